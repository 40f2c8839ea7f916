// The workbench helpers of the UI checks (test/e2e/ui/tour.mjs and the modules in checks/): opening
// notebooks and commands the way a user does (Quick Open, the command palette), scrolling the
// notebook, reaching into output webviews, screenshots.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, log, step } from '../workbench.mjs';

export const SHOTS = join(ARTIFACTS, 'ui');

/**
 * Named checks that go on after a failure: `check(name, ms, action)` runs one step within its time
 * limit and records a pass, or a failure with a screenshot of the page set by `watch(page)`
 * (failed-<prefix><name>.png). `results` holds `{name, ok, error}` in order.
 */
export function checkRecorder(prefix = '') {
  const results = [];
  let page;
  async function check(name, ms, action) {
    try {
      await step(name, ms, action);
      results.push({ name, ok: true });
    } catch (error) {
      results.push({ name, ok: false, error: error instanceof Error ? error.message : String(error) });
      await page?.screenshot({ path: join(SHOTS, `failed-${prefix}${name.replace(/[^a-z0-9]+/gi, '-')}.png`) }).catch(() => undefined);
      log(`FAILED ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { check, results, watch: (next) => (page = next) };
}

/** Cells that call a figure function at the start of a statement draw a figure. */
export const FIGURE_CALL = /^\s*(plot|heatmap|dist|hist|scatter)\s*\(/m;

/** Figure cells of a notebook file: the number of figures a run-all must draw. */
export function expectedFigures(file) {
  const notebook = JSON.parse(readFileSync(file, 'utf8'));
  return notebook.cells.filter((cell) => cell.kind === 'code' && FIGURE_CALL.test(Array.isArray(cell.source) ? cell.source.join('') : cell.source)).length;
}

export const output = (page) => page.frameLocator('.notebook-editor iframe.webview').frameLocator('#active-frame');

/**
 * The text of the active notebook's outputs webview (every cell's outputs render in it), shadow
 * roots included: the markdown renderer draws values inside one, where body.innerText does not
 * look. '' while the webview is not there.
 */
export const outputText = (page) =>
  output(page)
    .locator('body')
    .evaluate((body) => {
      const parts = [];
      const walk = (node) => {
        // The webview's own scripts and styles are text nodes too, and no output.
        if (node.nodeType === 1 && /^(SCRIPT|STYLE|TEMPLATE)$/.test(node.tagName)) return;
        if (node.nodeType === 3) parts.push(node.textContent);
        if (node.shadowRoot) walk(node.shadowRoot);
        for (const child of node.childNodes) walk(child);
        if (node.nodeType === 1 && /^(P|DIV|PRE|LI|TR)$/.test(node.tagName)) parts.push('\n');
      };
      walk(body);
      return parts.join('');
    }, undefined, { timeout: 2_000 })
    .catch(() => '');

/**
 * The notification whose text matches `text`: its toast, or, when no toast shows within a few
 * seconds (toasts time out, and a headless workbench may not raise them), the same notification in
 * the notification center, opened as a user does (Notifications: Show Notifications).
 */
export async function notification(page, text, toastMs = 8_000) {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  if (await toast.waitFor({ state: 'visible', timeout: toastMs }).then(() => true, () => false)) return toast;
  await palette(page, 'Notifications: Show Notifications');
  const item = page.locator('.notifications-center .notification-list-item', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  return item;
}

/** Relative luminance of a CSS rgb()/rgba() colour, 0 (black) … 1 (white). */
export function luminance(css) {
  const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(css ?? '');
  if (m === null) return undefined;
  const [r, g, b] = m.slice(1, 4).map((v) => {
    const c = Number(v) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export async function waitUntil(what, probe, ms, interval = 250) {
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
export async function openQuickInput(page, key) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press(key);
    if (await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) return input;
    if (attempt === 3) throw new Error(`${key} did not open the quick input in ${attempt} tries`);
    await page.keyboard.press('Escape');
    await page.locator('.tabs-container .tab.active').first().click({ timeout: 3_000 }).catch(() => undefined);
  }
}

export async function palette(page, command) {
  for (let attempt = 1; ; attempt++) {
    const input = await openQuickInput(page, 'F1');
    // The palette may close again at once when an editor that re-renders takes the focus back (the
    // Settings editor just after a value was entered): then it is opened again.
    if (await input.fill(`>${command}`, { timeout: 5_000 }).then(() => true, () => false)) break;
    if (attempt === 3) throw new Error(`the command palette closed before "${command}" could be typed, ${attempt} times`);
  }
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: command }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/**
 * Closes every editor without saving: a notebook that ran is dirty, and VS Code then asks whether
 * to save it in a modal dialog that would swallow the next check's keys. The checks work on copies
 * of the samples and never keep changes.
 */
export async function closeAllEditors(page) {
  await palette(page, 'View: Close All Editors');
  for (let asked = 0; asked < 10; asked++) {
    const dontSave = page.locator('.monaco-dialog-box .monaco-button', { hasText: /Don.t Save/ }).first();
    if (!(await dontSave.waitFor({ state: 'visible', timeout: 1_500 }).then(() => true, () => false))) break;
    await dontSave.click();
  }
}

/**
 * Sets a workspace setting as a user does, in the Settings editor: search for it, type the value,
 * leave the field; waits until `<workspace>/.vscode/settings.json` holds it. A settings.json written
 * behind VS Code's back may be read only seconds later, so the checks never write it themselves.
 */
export async function setWorkspaceSetting(page, workspace, key, value) {
  // The search box is a small Monaco editor: clicked and typed into, not filled.
  const search = page.locator('.settings-editor .settings-header .suggest-input-container .monaco-editor').first();
  // Settings one after another go through the editor this opened, still on its Workspace tab: the
  // palette opened while the last field's focus is leaving may close again at once.
  if (!(await search.isVisible().catch(() => false))) await palette(page, 'Preferences: Open Workspace Settings');
  await search.waitFor({ state: 'visible', timeout: 15_000 });
  // The setting's own row once the list has filtered: its title is the key's last part, spaced
  // ("Memory Limit Mb"), under its category ("Kernel:").
  const title = key.split('.').pop().replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
  const field = page.locator('.settings-editor .setting-item-contents', { has: page.locator('.setting-item-label', { hasText: title }) }).locator('input').first();
  // Typed again while the editor still re-renders after the previous setting took the keys elsewhere.
  await waitUntil(`the Settings editor to filter on ${key}`, async () => {
    await search.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(key);
    return field.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => ({ ok: false }));
  }, 30_000, 500);
  await field.fill(value);
  await page.keyboard.press('Tab');
  await waitUntil(`${key} = ${value} in the workspace settings`, async () => {
    const saved = readFileSync(join(workspace, '.vscode', 'settings.json'), 'utf8');
    return new RegExp(`"${key.replace(/\./g, '\\.')}":\\s*${value}\\b`).test(saved) || { ok: false, saved };
  }, 10_000);
}

/**
 * Hovers the first `qfl` token of the notebook's code (scrolled to the top first) until the hover
 * shows the formula, an SVG image; returns the hover's locator. The hover comes from the extension
 * host, so it also shows that the host is alive.
 */
export async function hoverFormula(page) {
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
  return page.locator('.monaco-hover').first();
}

/** The label of the active editor tab ('' when none). */
export const activeTab = async (page) => ((await page.locator('.tabs-container .tab.active').first().textContent({ timeout: 2_000 }).catch(() => '')) ?? '').trim();

/**
 * Opens a notebook by Quick Open, and makes sure that it is that notebook that shows. Until the
 * extension host has scanned the extension, the file opens as plain text (the readiness race of
 * the recipe); and Enter may pick a recently opened file before the list has filtered: either
 * way every editor is closed and the notebook opened again.
 */
export async function openNotebook(page, name) {
  await waitUntil(
    `${name} to open as a notebook`,
    async () => {
      const input = await openQuickInput(page, 'Control+P');
      await input.fill(name);
      const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: name }).first();
      await row.waitFor({ timeout: 10_000 });
      await row.click();
      const notebook = page.locator('.notebook-editor .cell-list-container .code-cell-row').first();
      const opened = await notebook.waitFor({ state: 'visible', timeout: 8_000 }).then(() => true, () => false);
      const tab = await activeTab(page);
      if (opened && tab.startsWith(name)) return true;
      await closeAllEditors(page);
      return { ok: false, opened, tab };
    },
    90_000,
    1_000,
  );
}

/**
 * Opens a notebook by clicking it in the Explorer, as a user does with a file just written: Quick
 * Open's file list is cached for the session and may not list it yet. Before the extension is
 * active the file opens as text: then it is closed and opened again.
 */
export async function openFromExplorer(page, name) {
  await waitUntil(
    `${name} to open as a notebook from the Explorer`,
    async () => {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().click({ timeout: 10_000 });
      const opened = await page.locator('.notebook-editor .cell-list-container .code-cell-row').first().waitFor({ state: 'visible', timeout: 8_000 }).then(() => true, () => false);
      if (opened && (await activeTab(page)).startsWith(name)) return true;
      await closeAllEditors(page);
      return { ok: false, opened };
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
export async function wheel(page, dy) {
  const notches = Math.max(1, Math.round(Math.abs(dy) / 120));
  for (let i = 0; i < notches; i++) await page.mouse.wheel(0, Math.sign(dy) * 120);
}

/**
 * A scroller for the active notebook: each call scrolls it by `step` pixels' worth and turns round
 * once the list stops moving (its rows' `top` no longer changes), so that repeated calls sweep the
 * whole notebook down and back up whatever the starting point. Cells and outputs outside the
 * viewport render only when scrolled to.
 */
export function notebookScroller(page, step) {
  const list = page.locator('.notebook-editor .cell-list-container').first();
  let direction = 1;
  let lastOffset = '';
  return async () => {
    const offset = await page.locator('.notebook-editor .cell-list-container .monaco-list-rows').first().evaluate((rows) => rows.style.top).catch(() => '');
    if (offset === lastOffset) direction = -direction;
    lastOffset = offset;
    const box = await list.boundingBox();
    if (box === null) return;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await wheel(page, direction * step);
  };
}

/**
 * The figures drawn in the active notebook's output webview, each keyed by its output's element
 * id (stable while the list scrolls, unlike a position among the rendered ones), with its kind,
 * title, traces and bars.
 */
export const drawnFigures = (page) =>
  output(page)
    .locator('.losslab-figure')
    .evaluateAll((nodes) =>
      nodes.map((node, i) => {
        const kind = node.getAttribute('data-kind');
        const title = node.querySelector('.gtitle')?.textContent ?? '';
        // A 3-D scene draws its traces on a WebGL canvas, with no SVG trace per trace: there the
        // traces are the ones plotly drew into it (a graph's _fullData exists once it plotted).
        const scene = node.querySelector('.gl-container canvas') === null ? 0 : (node.querySelector('.losslab-plot')?._fullData?.length ?? 0);
        return {
          key: `${node.closest('[id]')?.id || `#${i}`}:${kind}:${title}`,
          kind,
          title,
          traces: node.querySelectorAll('.scatterlayer .trace, .barlayer .trace, .heatmaplayer .hm, .table .trace, .cartesianlayer .trace').length + scene,
          bars: node.querySelectorAll('.barlayer .point path').length,
        };
      }),
    )
    .catch(() => []);

/** The notebook toolbar's Interrupt button, shown in place of Run All while cells run. */
export const interruptButton = (page) => page.locator('.notebook-toolbar-container .action-item a.action-label[aria-label^="Interrupt"]').first();

/**
 * Clears the outputs (a notebook saved after an earlier run shows its old figures, which the run
 * then replaces), runs all, and sweeps the notebook until every figure of this run drew and the run
 * has ended; returns what each figure shows.
 */
export async function runAllAndCollect(page, expected) {
  // The toolbar's button is enabled only when there is something to clear.
  const clear = page.locator('.notebook-toolbar-container .action-item a.action-label[aria-label^="Clear All Outputs"]:not(.disabled)').first();
  if (await clear.waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false)) await clear.click();
  await palette(page, 'Notebook: Run All');
  const seen = new Map();
  const scrollOn = notebookScroller(page, 1440);
  await waitUntil(
    `${expected} figures to draw`,
    async () => {
      for (const figure of await drawnFigures(page)) seen.set(figure.key, figure);
      const drawn = seen.size >= expected && [...seen.values()].every((f) => f.traces > 0 || f.kind === 'table');
      if (drawn && !(await interruptButton(page).isVisible())) return { ok: true };
      await scrollOn();
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
export async function reveal(page, locator) {
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
export async function pickTheme(page, label) {
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

export async function shoot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/**
 * Clicks a figure's PNG button and saves through VS Code's simple file dialog to `target` (an
 * absolute path); checks the file is a PNG of at least 320×240 and returns its size.
 */
export async function exportPngThroughDialog(page, button, target) {
  const box = await reveal(page, button);
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  // code-server shows VS Code's simple file dialog: a quick input holding the path.
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  // Typed, not filled: the simple dialog validates the path on its own input events.
  await input.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(target, { delay: 5 });
  await new Promise((r) => setTimeout(r, 500));
  const ok = page.locator('.quick-input-widget .monaco-button', { hasText: /^OK$/ }).first();
  await ok.click();
  // On a loaded machine the simple dialog may still be validating the typed path when OK is
  // clicked, and stays open: accept it again while it is there, until the file is written.
  await waitUntil(
    'the exported PNG',
    async () => {
      if (existsSync(target) && readFileSync(target).length > 1000) return true;
      if (await input.isVisible().catch(() => false)) await ok.click({ timeout: 2_000 }).catch(() => undefined);
      return { ok: false };
    },
    30_000,
    1_000,
  );
  const bytes = readFileSync(target);
  if (bytes.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('the exported file is not a PNG');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  if (width < 320 || height < 240) throw new Error(`the PNG is only ${width}×${height}`);
  return { width, height, bytes: bytes.length };
}

/** Switches to Dark Modern and waits for the first figure to turn dark; returns both colour pairs. */
export async function checkDarkThemeFollowed(page) {
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
  return { light, dark: dark.colours };
}

export async function figureColours(page) {
  return output(page)
    .locator('.losslab-figure .main-svg')
    .first()
    .evaluate((svg) => ({
      background: getComputedStyle(svg).backgroundColor,
      text: getComputedStyle(svg.parentElement.querySelector('.xtick text, .gtitle, text')).fill,
    }));
}
