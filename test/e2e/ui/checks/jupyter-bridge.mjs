// LossLab figures inside a Jupyter notebook, in the real workbench: samples/jupyter-bridge.ipynb
// (written by python/tests/sample_notebook.py with its outputs stored) opens in VS Code's built-in
// ipynb editor without a kernel; every stored LossLab figure draws through our renderer, a slider
// moves the curve the renderer computed and writes its value back into the Python cell, the PNG
// button saves through the save dialog, the figures follow a dark theme, and a hover
// on DistributionFocalLoss in a Python cell shows the formula image, whose "Open in LossLab" writes
// jupyter-bridge.lossnb beside the ipynb.
// Screenshots: test-artifacts/e2e/ui/jupyter-bridge-0N-*.png.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const NOTEBOOK = 'jupyter-bridge.ipynb';
const FIGURE_MIME = 'application/vnd.losslab.figure+json';

/** The LossLab figures stored in the notebook, by kind. */
function storedFigures(file) {
  const notebook = JSON.parse(readFileSync(file, 'utf8'));
  return notebook.cells.flatMap((cell) => (cell.outputs ?? []).filter((o) => o.data?.[FIGURE_MIME] !== undefined).map((o) => o.data[FIGURE_MIME].kind));
}

/**
 * Runs in the output webview: every drawn figure, keyed by its output's element id, with what
 * plotly holds. Counted from plotly's data rather than SVG traces, which a 3-D scatter (WebGL)
 * does not have.
 */
const figuresIn = (nodes) =>
  nodes.map((node, i) => {
    const graph = node.querySelector('.losslab-plot');
    return { key: node.closest('[id]')?.id || `#${i}`, kind: node.getAttribute('data-kind'), traces: (graph?.data ?? []).length, painted: graph?.querySelector('.main-svg') !== null };
  });

/** Runs in the output webview: the curves figure's first trace, y at a few points. */
const curveSample = (graph) => [10, 50, 100, 150].map((i) => graph.data?.[0]?.y?.[i]);

export default async function ({ page, check, workspace, ui, log, publish }) {
  const { checkDarkThemeFollowed, closeAllEditors, exportPngThroughDialog, notebookScroller, openNotebook, output, pickTheme, reveal, shoot, waitUntil } = ui;
  const file = join(workspace, 'samples', NOTEBOOK);
  const stored = storedFigures(file);
  // One scroller for the whole module: it sweeps the notebook down and back up, and cells and
  // outputs away from the viewport are only in the DOM once scrolled near.
  let scrollOn;
  /** Sweeps the notebook until `locator` (in the page or an output) has a box on screen; returns it. */
  const sweepTo = async (what, locator) => {
    await waitUntil(
      what,
      async () => {
        const box = await locator.boundingBox().catch(() => null);
        if (box !== null) return true;
        await scrollOn();
        return false;
      },
      60_000,
      300,
    );
  };

  await check(`jupyter bridge: every one of the ${stored.length} stored LossLab figures of ${NOTEBOOK} draws in the ipynb editor`, 180_000, async () => {
    await closeAllEditors(page);
    await openNotebook(page, NOTEBOOK);
    const seen = new Map();
    scrollOn = notebookScroller(page, 900);
    await waitUntil(
      `the ${stored.length} figures to draw`,
      async () => {
        const drawn = await output(page).locator('.losslab-figure').evaluateAll(figuresIn).catch(() => []);
        for (const figure of drawn) if (figure.traces > 0 && figure.painted) seen.set(figure.key, figure);
        if (seen.size >= stored.length) return true;
        await scrollOn();
        return { ok: false, seen: [...seen.values()].map((f) => f.kind) };
      },
      150_000,
      500,
    );
    const kinds = [...seen.values()].map((f) => f.kind).sort();
    if (kinds.join() !== [...stored].sort().join()) throw new Error(`drawn ${kinds.join(', ')}; stored ${stored.join(', ')}`);
    const failed = await output(page).locator('.losslab-unsupported, .losslab-status.losslab-error').count();
    if (failed > 0) throw new Error(`${failed} figure(s) show an error`);
    log(`  ${seen.size} figures drew in the ipynb: ${kinds.join(', ')}`);
  });

  await check('jupyter bridge: the beta slider moves the QFL curve the renderer computed from the Python spec', 90_000, async () => {
    const figure = output(page).locator('.losslab-figure[data-kind="curves"]').first();
    const slider = figure.locator('.losslab-slider[data-name="beta"] input[type=range]');
    await sweepTo('the curves figure', slider);
    await reveal(page, slider);
    const graph = figure.locator('.losslab-plot');
    const before = await graph.evaluate(curveSample);
    if (before.some((y) => typeof y !== 'number')) throw new Error(`the curve has no computed points: ${JSON.stringify(before)}`);
    await shoot(page, 'jupyter-bridge-01-curve');
    await slider.fill('0.5');
    const after = await waitUntil(
      'the curve to follow beta = 0.5',
      async () => {
        const now = await graph.evaluate(curveSample);
        return { ok: now.every((y, i) => typeof y === 'number' && Math.abs(y - before[i]) > 1e-6), now };
      },
      20_000,
    );
    const shown = await figure.locator('.losslab-slider[data-name="beta"] output').textContent();
    if (shown !== '0.5') throw new Error(`the slider shows ${shown}`);
    log(`  QFL at 4 points, beta 2 → 0.5: ${before.map((y) => y.toFixed(4)).join(', ')} → ${after.now.map((y) => y.toFixed(4)).join(', ')}`);
    await shoot(page, 'jupyter-bridge-02-slider-moved');
    publish('jupyter-bridge-02-slider-moved.png', 'screenshot-jupyter.png');
  });

  await check('jupyter bridge: "Write values to cells" writes beta = 0.5 into the Python cell that drew the curve', 60_000, async () => {
    const button = output(page).locator('.losslab-figure[data-kind="curves"] .losslab-button', { hasText: 'Write values to cells' }).first();
    const box = await reveal(page, button);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // The editor draws spaces as no-break spaces: \s matches both.
    const line = page.locator('.notebook-editor .code-cell-row .view-lines .view-line', { hasText: /^\s*beta\s=\s0\.5\s*$/ }).first();
    // The notebook may have scrolled the cell out of the rendered rows: sweep up and down to it.
    const sweep = notebookScroller(page, -300);
    await waitUntil(
      'beta = 0.5 in the cell',
      async () => {
        if ((await line.count()) > 0) return true;
        await sweep();
        return { ok: false };
      },
      30_000,
      500,
    );
    await shoot(page, 'jupyter-bridge-03-written-back');
  });

  await check('jupyter bridge: the PNG button exports the curve through the save dialog, from the ipynb', 60_000, async () => {
    await page.keyboard.press('Escape');
    const target = join(workspace, 'samples', 'jupyter-bridge-curve.png');
    const button = output(page).locator('.losslab-figure[data-kind="curves"] .losslab-toolbar button', { hasText: 'PNG' }).first();
    const { width, height, bytes } = await exportPngThroughDialog(page, button, target);
    log(`  exported ${width}×${height} PNG, ${bytes} bytes, beside the ipynb`);
  });

  await check('jupyter bridge: the figures follow a switch to a dark theme in the ipynb', 60_000, async () => {
    const { light, dark } = await checkDarkThemeFollowed(page);
    log(`  light ${light.background} / ${light.text} → dark ${dark.background} / ${dark.text}`);
    await shoot(page, 'jupyter-bridge-03b-dark');
    await pickTheme(page, 'Light Modern');
  });

  await check('jupyter bridge: a hover on DistributionFocalLoss in a Python cell shows the formula image, and Open in LossLab writes jupyter-bridge.lossnb beside the ipynb', 120_000, async () => {
    // To the notebook's top: a cell's editor, Escape to leave it, then Ctrl+Home (notebook.focusTop).
    // (the list keeps rows off screen too: click one that is on it)
    const view = await page.locator('.notebook-editor .cell-list-container').first().boundingBox();
    const editors = await page.locator('.notebook-editor .code-cell-row .monaco-editor .view-lines').evaluateAll((nodes) => nodes.map((n) => n.getBoundingClientRect().toJSON()));
    const onScreen = editors.find((b) => b.height > 0 && b.y >= view.y && b.y + Math.min(b.height, 20) <= view.y + view.height);
    if (onScreen === undefined) throw new Error(`no code cell on screen among ${editors.length}`);
    await page.mouse.click(onScreen.x + 40, onScreen.y + Math.min(onScreen.height, 20) / 2);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Home');
    // A token's span may carry the space before it.
    const token = page.locator('.notebook-editor .code-cell-row .view-lines .view-line span span', { hasText: /^\s*DistributionFocalLoss\s*$/ }).first();
    scrollOn = notebookScroller(page, -600); // upwards first: the cell is near the top
    await sweepTo('the DistributionFocalLoss token', token);
    await token.scrollIntoViewIfNeeded();
    await waitUntil(
      'the formula hover',
      async () => {
        await token.hover();
        return { ok: (await page.locator('.monaco-hover img[src^="data:image/svg+xml"]').count().catch(() => 0)) > 0 };
      },
      30_000,
      1_500,
    );
    await shoot(page, 'jupyter-bridge-04-hover');
    const target = join(workspace, 'samples', 'jupyter-bridge.lossnb');
    await page.locator('.monaco-hover a', { hasText: 'Open in LossLab' }).first().click();
    await waitUntil('jupyter-bridge.lossnb beside the ipynb', async () => ({ ok: existsSync(target) && /DistributionFocalLoss|dfl|DFL/.test(readFileSync(target, 'utf8')) }), 30_000, 500);
    const saved = JSON.parse(readFileSync(target, 'utf8'));
    log(`  Open in LossLab wrote ${saved.cells.length} cells to samples/jupyter-bridge.lossnb`);
    await shoot(page, 'jupyter-bridge-05-open-in-losslab');
  });
  await closeAllEditors(page).catch(() => undefined);
}
