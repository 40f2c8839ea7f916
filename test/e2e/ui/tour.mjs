// UI end-to-end checks in a real workbench: the packaged .vsix installed into code-server, the GFL
// tour opened and run from the command palette, and the figures checked inside their output
// webviews (traces drawn, DFL bars, a slider drag, PNG export through the save dialog, the dark
// theme), with a screenshot of every step under test-artifacts/e2e/ (and the best ones in media/
// when LOSSLAB_UPDATE_SCREENSHOTS=1).
//
//   node test/e2e/ui/tour.mjs [--vsix losslab-x.y.z.vsix]
//
// Prints "ui checks: N passed, N failed" last; exits non-zero on any failure.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS, ROOT, ensureTools, installVsix, launchBrowser, log, makeRunDir, makeWorkspace, startWorkbench, step } from '../workbench.mjs';

const SHOTS = join(ARTIFACTS, 'ui');
const MEDIA = join(ROOT, 'media');
/**
 * The README's screenshots are refreshed only on request (npm run screenshots), so that running
 * the tests never changes tracked files.
 */
const UPDATE_MEDIA = process.env.LOSSLAB_UPDATE_SCREENSHOTS === '1';
function publish(shot, name) {
  if (UPDATE_MEDIA) copyFileSync(join(SHOTS, shot), join(MEDIA, name));
}
/** Cells that call a figure function at the start of a statement draw a figure. */
const FIGURE_CALL = /^\s*(plot|heatmap|dist|hist|scatter)\s*\(/m;

const results = [];
let currentPage;
async function check(name, ms, action) {
  try {
    await step(name, ms, action);
    results.push({ name, ok: true });
  } catch (error) {
    results.push({ name, ok: false, error: error instanceof Error ? error.message : String(error) });
    await currentPage?.screenshot({ path: join(SHOTS, `failed-${name.replace(/[^a-z0-9]+/gi, '-')}.png`) }).catch(() => undefined);
    log(`FAILED ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Figure cells of a notebook file: the number of figures a run-all must draw. */
function expectedFigures(file) {
  const notebook = JSON.parse(readFileSync(file, 'utf8'));
  return notebook.cells.filter((cell) => cell.kind === 'code' && FIGURE_CALL.test(Array.isArray(cell.source) ? cell.source.join('') : cell.source)).length;
}

const output = (page) => page.frameLocator('.notebook-editor iframe.webview').frameLocator('#active-frame');

/** Relative luminance of a CSS rgb()/rgba() colour, 0 (black) … 1 (white). */
function luminance(css) {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(css ?? '');
  if (m === null) return undefined;
  const [r, g, b] = m.slice(1, 4).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

async function waitUntil(what, probe, ms, interval = 250) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    last = await probe().catch((error) => ({ error: String(error) }));
    if (last === true || (last && last.ok === true)) return last;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}; last: ${JSON.stringify(last)?.slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * Presses `key` (F1, Ctrl+P) until the quick input opens. A key pressed while an output's webview
 * has the focus (after dragging its slider, say) may never reach the workbench, so a failed try
 * clicks the active editor's tab, which takes the focus back, before the next.
 */
async function openQuickInput(page, key) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    if (await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) return input;
    if (attempt === 3) throw new Error(`${key} did not open the quick input in ${attempt} tries`);
    await page.keyboard.press('Escape');
    await page.locator('.tabs-container .tab.active').first().click({ timeout: 3_000 }).catch(() => undefined);
  }
}

async function palette(page, command) {
  const input = await openQuickInput(page, 'F1');
  await input.fill(`>${command}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: command }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/**
 * Opens a notebook by Quick Open. Until the extension host has scanned the extension, the file
 * opens as plain text (the readiness race of the recipe): then it is closed and opened again.
 */
async function openNotebook(page, name) {
  await waitUntil(
    `${name} to open as a notebook`,
    async () => {
      const input = await openQuickInput(page, 'Control+P');
      await input.fill(name);
      await page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      const notebook = page.locator('.notebook-editor .cell-list-container .code-cell-row').first();
      const opened = await notebook.waitFor({ state: 'visible', timeout: 8_000 }).then(() => true, () => false);
      if (!opened) await palette(page, 'View: Close All Editors');
      return opened;
    },
    90_000,
    1_000,
  );
}

/**
 * Scrolls by `dy` pixels' worth of wheel notches under the mouse. Each wheel event moves the
 * notebook's list by one fixed step (50 px here) whatever its deltaY, so a single event of 1200
 * scrolled 50 px and drawing the GFL tour's figures took a minute of scrolling.
 */
async function wheel(page, dy) {
  const notches = Math.max(1, Math.round(Math.abs(dy) / 120));
  for (let i = 0; i < notches; i++) await page.mouse.wheel(0, Math.sign(dy) * 120);
}

/** Run All, then scroll through the notebook until every figure drew; returns what each shows. */
async function runAllAndCollect(page, expected) {
  await palette(page, 'Notebook: Run All');
  const seen = new Map();
  const list = page.locator('.notebook-editor .cell-list-container').first();
  await waitUntil(
    `${expected} figures to draw`,
    async () => {
      const figures = await output(page)
        .locator('.losslab-figure')
        .evaluateAll((nodes) =>
          nodes.map((node) => ({
            kind: node.getAttribute('data-kind'),
            title: node.querySelector('.gtitle')?.textContent ?? '',
            traces: node.querySelectorAll('.scatterlayer .trace, .barlayer .trace, .heatmaplayer .hm, .table .trace, .cartesianlayer .trace').length,
            bars: node.querySelectorAll('.barlayer .point path').length,
          })),
        )
        .catch(() => []);
      for (const [i, figure] of figures.entries()) seen.set(`${figure.kind}#${i}:${figure.title}`, figure);
      if (seen.size >= expected && [...seen.values()].every((f) => f.traces > 0 || f.kind === 'table')) return { ok: true };
      // Outputs below the fold render when scrolled to.
      const box = await list.boundingBox();
      if (box) {
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
        await wheel(page, 1440);
      }
      return { ok: false, seen: [...seen.keys()] };
    },
    120_000,
    500,
  );
  return [...seen.values()];
}

/**
 * Scrolls the notebook until `locator` (inside an output webview) is fully on screen: the webview
 * follows the notebook's scroll, so scrolling inside the iframe would not move it into view.
 */
async function reveal(page, locator) {
  const list = page.locator('.notebook-editor .cell-list-container').first();
  for (let attempt = 0; attempt < 40; attempt++) {
    const view = await list.boundingBox();
    const box = await locator.boundingBox().catch(() => null);
    if (view && box && box.y >= view.y && box.y + box.height <= view.y + view.height) return box;
    if (view) {
      await page.mouse.move(view.x + view.width / 2, view.y + view.height / 2);
      const delta = box ? Math.max(-800, Math.min(800, box.y - (view.y + view.height / 2))) : 600;
      await wheel(page, delta);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('could not scroll the element into view');
}

/**
 * Picks a colour theme in VS Code's theme picker (Ctrl+K Ctrl+T). Typing its name in the command
 * palette would match "Browse Color Themes in Marketplace" first, which is offline here.
 */
async function pickTheme(page, label) {
  await page.keyboard.press('Escape');
  // Best effort, to take the focus out of the figure's webview: when an overlay takes the click,
  // waiting the page's default 20 s for it changes nothing but the check's time.
  await page.locator('.notebook-editor').first().click({ position: { x: 5, y: 5 }, timeout: 3_000 }).catch(() => undefined);
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+T');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.type(label);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

async function shoot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

async function figureColours(page) {
  return output(page)
    .locator('.losslab-figure .main-svg')
    .first()
    .evaluate((svg) => ({
      background: getComputedStyle(svg).backgroundColor,
      text: getComputedStyle(svg.parentElement.querySelector('.xtick text, .gtitle, text')).fill,
    }));
}

async function main() {
  const argv = process.argv.slice(2);
  const vsixArg = argv.indexOf('--vsix') >= 0 ? argv[argv.indexOf('--vsix') + 1] : undefined;
  const vsix = vsixArg ?? readdirSync(ROOT).find((name) => /^losslab-.*\.vsix$/.test(name));
  if (vsix === undefined || !existsSync(join(ROOT, vsix))) throw new Error('no losslab-*.vsix in the repository: run `npm run package` first (scripts/e2e.mjs does)');
  const tools = await step('tools', 15 * 60_000, async () => ensureTools());
  const runDir = makeRunDir('ui');
  const workspace = makeWorkspace(runDir);
  const extensionsDir = join(runDir, 'extensions');
  rmSync(SHOTS, { recursive: true, force: true });
  await step(`install ${vsix}`, 120_000, async () => installVsix(tools, join(ROOT, vsix), extensionsDir, runDir));
  const server = await step('start code-server', 90_000, () =>
    startWorkbench({ tools, runDir, workspace, trusted: true, extensionsDir, settings: { 'workbench.colorTheme': 'Default Light Modern' } }),
  );
  let context;
  try {
    context = await launchBrowser(join(runDir, 'browser'));
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    currentPage = page;
    mkdirSync(SHOTS, { recursive: true });
    await step('workbench on screen', 60_000, async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    });

    const tourFile = join(workspace, 'samples', 'gfl-tour.lossnb');
    let tourFigures = [];
    await check('open the GFL tour as a notebook', 120_000, async () => {
      await openNotebook(page, 'gfl-tour.lossnb');
      await shoot(page, '01-gfl-tour-open');
    });
    await check('Run All draws every figure of the GFL tour (plotly traces, DFL bars)', 180_000, async () => {
      const expected = expectedFigures(tourFile);
      tourFigures = await runAllAndCollect(page, expected);
      const failed = await page.locator('.notebook-editor .cell-statusbar-container .codicon-error').count();
      if (failed > 0) throw new Error(`${failed} cell(s) show a failed run`);
      const dist = tourFigures.filter((f) => f.kind === 'distribution');
      if (dist.length === 0) throw new Error(`no DFL distribution figure among ${tourFigures.map((f) => f.kind).join(', ')}`);
      if (!dist.every((f) => f.bars > 0)) throw new Error('the DFL distribution shows no bars');
      const empty = tourFigures.filter((f) => f.kind !== 'table' && f.traces === 0);
      if (empty.length > 0) throw new Error(`figures without traces: ${empty.map((f) => f.kind).join(', ')}`);
      log(`  ${tourFigures.length} figures drew: ${tourFigures.map((f) => f.kind).join(', ')}`);
      await shoot(page, '02-gfl-tour-figures');
    });

    await check('hover on qfl shows the formula image', 60_000, async () => {
      await page.keyboard.press('Control+Home');
      const token = page.locator('.cell-list-container .code-cell-row .view-lines .view-line span span', { hasText: /^qfl$/ }).first();
      await token.scrollIntoViewIfNeeded();
      await waitUntil(
        'the formula hover',
        async () => {
          await token.hover();
          const image = page.locator('.monaco-hover img[src^="data:image/svg+xml"]');
          return { ok: (await image.count().catch(() => 0)) > 0 };
        },
        30_000,
        1_500,
      );
      await shoot(page, '03-hover-qfl');
      publish('03-hover-qfl.png', 'screenshot-hover.png');
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
    });

    await check('export a figure as PNG through the save dialog', 60_000, async () => {
      const target = join(workspace, 'exported-figure.png');
      await page.keyboard.press('Escape');
      const button = output(page).locator('.losslab-figure .losslab-toolbar button', { hasText: 'PNG' }).first();
      const box = await reveal(page, button);
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      // code-server shows VS Code's simple file dialog: a quick input holding the path.
      const input = page.locator('.quick-input-widget .quick-input-box input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await shoot(page, '04-export-dialog');
      // Typed, not filled: the simple dialog validates the path on its own input events.
      await input.click();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(target, { delay: 5 });
      await new Promise((r) => setTimeout(r, 500));
      await page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first().click();
      await waitUntil('the exported PNG', async () => ({ ok: existsSync(target) && readFileSync(target).length > 1000 }), 20_000);
      const bytes = readFileSync(target);
      if (bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('the exported file is not a PNG');
      const width = bytes.readUInt32BE(16);
      const height = bytes.readUInt32BE(20);
      if (width < 320 || height < 240) throw new Error(`the PNG is only ${width}×${height}`);
      log(`  exported ${width}×${height} PNG, ${bytes.length} bytes`);
      copyFileSync(target, join(SHOTS, '04-exported-figure.png'));
    });

    await check('the figure follows a switch to a dark theme', 60_000, async () => {
      for (let i = 0; i < 2; i++) await page.keyboard.press('Escape');
      const light = await figureColours(page);
      const [lightBg, lightText] = [luminance(light.background), luminance(light.text)];
      if (!(lightBg > 0.6 && lightText < 0.4)) throw new Error(`the light theme's figure is not light: ${JSON.stringify(light)}`);
      await pickTheme(page, 'Dark Modern');
      const dark = await waitUntil(
        'the figure to turn dark',
        async () => {
          const colours = await figureColours(page);
          return { ok: luminance(colours.background) < 0.1 && luminance(colours.text) > 0.4, colours };
        },
        20_000,
      );
      log(`  light ${light.background} / ${light.text} → dark ${dark.colours.background} / ${dark.colours.text}`);
      await shoot(page, '05-dark-theme');
      publish('05-dark-theme.png', 'screenshot-dark.png');
      await pickTheme(page, 'Light Modern');
    });

    await check('dragging a slider redraws the curve (ArcFace tour)', 150_000, async () => {
      await palette(page, 'View: Close All Editors');
      await openNotebook(page, 'arcface-tour.lossnb');
      await runAllAndCollect(page, expectedFigures(join(workspace, 'samples', 'arcface-tour.lossnb')));
      const figure = output(page).locator('.losslab-figure', { has: page.locator('input[type=range]') }).first();
      const slider = output(page).locator('.losslab-figure .losslab-sliders input[type=range]').first();
      await reveal(page, slider);
      // Every curve of the figure: the one the slider moves need not be the first.
      const curves = output(page).locator('.losslab-figure:has(input[type=range])').first().locator('.scatterlayer .trace path.js-line');
      const shape = () => curves.evaluateAll((paths) => paths.map((path) => path.getAttribute('d')).join('|'));
      const before = await shape();
      const box = await reveal(page, slider);
      await page.mouse.move(box.x + 4, box.y + box.height / 2);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 4 + (i * box.width * 0.6) / 10, box.y + box.height / 2);
      await page.mouse.up();
      await waitUntil('the curve to change', async () => ({ ok: (await shape()) !== before }), 15_000);
      void figure;
      await shoot(page, '06-slider-dragged');
      publish('06-slider-dragged.png', 'screenshot-slider.png');
    });

    // The tour screenshot for the README: the GFL tour with its figures, light theme.
    await check('README screenshot of the tour', 90_000, async () => {
      await palette(page, 'View: Close All Editors');
      await openNotebook(page, 'gfl-tour.lossnb');
      await runAllAndCollect(page, 1);
      await shoot(page, '07-tour');
      publish('07-tour.png', 'screenshot-tour.png');
    });
  } finally {
    await context?.close().catch(() => undefined);
    await server.stop();
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  for (const r of results.filter((r) => !r.ok)) console.log(`FAILED ${r.name}: ${r.error}`);
  console.log(`ui checks: ${passed} passed, ${failed} failed (screenshots in ${SHOTS})`);
  return { passed, failed };
}

export { main as runUiChecks };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    ({ failed }) => process.exit(failed === 0 ? 0 : 1),
    (error) => {
      console.error(`ui checks: ${error instanceof Error ? error.message : String(error)}`);
      console.log('ui checks: 0 passed, 1 failed');
      process.exit(1);
    },
  );
}
