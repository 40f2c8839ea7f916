// UI end-to-end checks in a real workbench: the packaged .vsix installed into code-server, the GFL
// tour opened and run from the command palette, and the figures checked inside their output
// webviews (traces drawn, DFL bars, a slider drag, PNG export through the save dialog, the dark
// theme), with a screenshot of every step under test-artifacts/e2e/ (and the best ones in media/
// when LOSSLAB_UPDATE_SCREENSHOTS=1). After the tour's own checks, every module in checks/ runs in
// the same workbench, in file-name order (the contract is in checks/README.md).
//
//   node test/e2e/ui/tour.mjs [--vsix losslab-x.y.z.vsix]
//   LOSSLAB_UI_CHECKS=<regex> node test/e2e/ui/tour.mjs   # only the modules whose name matches
//                                                        # ("tour" names the checks of this file)
//
// Prints "ui checks: N passed, N failed" last; exits non-zero on any failure.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ROOT, ensureTools, installVsix, launchBrowser, log, makeRunDir, makeWorkspace, startWorkbench, step } from '../workbench.mjs';
import * as ui from './ui.mjs';

const { SHOTS, checkDarkThemeFollowed, checkRecorder, closeAllEditors, expectedFigures, exportPngThroughDialog, openNotebook, output, palette, pickTheme, reveal, runAllAndCollect, shoot, waitUntil } = ui;
const MEDIA = join(ROOT, 'media');
const CHECKS = join(fileURLToPath(new URL('.', import.meta.url)), 'checks');
/** Which check modules run: all, unless LOSSLAB_UI_CHECKS (a regular expression) picks some. */
const only = process.env.LOSSLAB_UI_CHECKS ? new RegExp(process.env.LOSSLAB_UI_CHECKS) : undefined;
const selected = (name) => only === undefined || only.test(name);
/**
 * The README's screenshots are refreshed only on request (npm run screenshots), so that running
 * the tests never changes tracked files.
 */
const UPDATE_MEDIA = process.env.LOSSLAB_UPDATE_SCREENSHOTS === '1';
function publish(shot, name) {
  if (UPDATE_MEDIA) copyFileSync(join(SHOTS, shot), join(MEDIA, name));
}
const { check, results, watch } = checkRecorder();
/**
 * An environment variable set on code-server's process only, so that the extension host and every
 * kernel it starts inherit it: a check that tries to read the environment from a cell (hostile.mjs)
 * looks for its value in what the workbench shows. Random per run, so no file can hold it by chance.
 */
const SECRET = { name: 'LOSSLAB_SECRET_SENTINEL', value: `sentinel-${randomUUID()}` };

/** The modules of checks/, in name order, each `export default async function (context)`. */
function checkModules() {
  if (!existsSync(CHECKS)) return [];
  return readdirSync(CHECKS)
    .filter((name) => name.endsWith('.mjs'))
    .sort()
    .filter((name) => selected(name.replace(/\.mjs$/, '')));
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
    startWorkbench({ tools, runDir, workspace, trusted: true, extensionsDir, env: { [SECRET.name]: SECRET.value }, settings: { 'workbench.colorTheme': 'Default Light Modern' } }),
  );
  let context;
  try {
    context = await launchBrowser(join(runDir, 'browser'));
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    watch(page);
    mkdirSync(SHOTS, { recursive: true });
    await step('workbench on screen', 60_000, async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    });

    if (selected('tour')) {
      const tourFile = join(workspace, 'samples', 'gfl-tour.lossnb');
      let tourFigures = [];
      await check('open the GFL tour as a notebook', 120_000, async () => {
        await openNotebook(page, 'gfl-tour.lossnb');
        await shoot(page, '01-gfl-tour-open');
      });
      await check('Run All draws every figure of the GFL tour (plotly traces, DFL bars)', 180_000, async () => {
        const expected = expectedFigures(tourFile);
        tourFigures = await runAllAndCollect(page, expected);
        const failed = await page.locator('.notebook-editor .codicon-notebook-state-error').count();
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
        await ui.hoverFormula(page);
        await shoot(page, '03-hover-qfl');
        publish('03-hover-qfl.png', 'screenshot-hover.png');
        await page.mouse.move(5, 5);
        await page.keyboard.press('Escape');
      });

      await check('export a figure as PNG through the save dialog', 60_000, async () => {
        const target = join(workspace, 'exported-figure.png');
        await page.keyboard.press('Escape');
        const button = output(page).locator('.losslab-figure .losslab-toolbar button', { hasText: 'PNG' }).first();
        const { width, height, bytes } = await exportPngThroughDialog(page, button, target);
        log(`  exported ${width}×${height} PNG, ${bytes} bytes`);
        copyFileSync(target, join(SHOTS, '04-exported-figure.png'));
      });

      await check('the figure follows a switch to a dark theme', 60_000, async () => {
        const { light, dark } = await checkDarkThemeFollowed(page);
        log(`  light ${light.background} / ${light.text} → dark ${dark.background} / ${dark.text}`);
        await shoot(page, '05-dark-theme');
        publish('05-dark-theme.png', 'screenshot-dark.png');
        await pickTheme(page, 'Light Modern');
      });

      await check('dragging a slider redraws the curve (ArcFace tour)', 150_000, async () => {
        await closeAllEditors(page);
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
        await closeAllEditors(page);
        await openNotebook(page, 'gfl-tour.lossnb');
        await runAllAndCollect(page, 1);
        await shoot(page, '07-tour');
        publish('07-tour.png', 'screenshot-tour.png');
      });
    }

    for (const name of checkModules()) {
      const module = await import(pathToFileURL(join(CHECKS, name)).href);
      // Each module starts from a workbench without open editors or widgets.
      await page.keyboard.press('Escape').catch(() => undefined);
      await closeAllEditors(page).catch(() => undefined);
      await module.default({ page, check, workspace, server, ui, publish, log, secret: SECRET });
    }
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
