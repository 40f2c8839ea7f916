// Figures that read well, in the real workbench: each of the five sample notebooks is opened and
// run, and inside its output webview every figure is measured as it draws there (the cell's
// width, VS Code's fonts): no two pieces of text (legend items, axis titles, tick labels,
// annotations, bar and table text) overlap. The headless-browser twin of this check, at fixed
// widths and with more measures, is test/renderer/readability.test.ts.
// Screenshots: test-artifacts/e2e/ui/figure-text-<notebook>-NN.png, one per scroll position at
// which a figure was measured.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const NOTEBOOKS = ['gfl-tour', 'arcface-tour', 'triplet-tour', 'debug-detector', 'debug-raw-head', 'debug-embeddings'];
/** A statement that draws a figure: the samples put each on a line of its own. */
const FIGURE_STATEMENT = /^\s*(plot|heatmap|dist|hist|scatter|table|margins_plot|anchor_map|assignment_map|worst_anchors|sides|calibration)\s*\(/gm;
/** Boxes may touch: text overlaps when it shares more than this many px both ways. */
const TOLERANCE = 0.5;

/** How many figures a run of the notebook draws. */
function figureCount(file) {
  const notebook = JSON.parse(readFileSync(file, 'utf8'));
  return notebook.cells
    .filter((cell) => cell.kind === 'code')
    .reduce((sum, cell) => sum + ((Array.isArray(cell.source) ? cell.source.join('') : cell.source).match(FIGURE_STATEMENT)?.length ?? 0), 0);
}

/**
 * Runs in the output webview: every drawn figure, keyed by its output's element id, with its text
 * count and each pair of its text elements whose boxes overlap.
 */
function measureFigures(nodes, tolerance) {
  return nodes.map((node, index) => {
    const visible = (e) => {
      const style = getComputedStyle(e);
      const box = e.getBoundingClientRect();
      return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0 && box.width > 0 && box.height > 0;
    };
    const texts = Array.from(node.querySelectorAll('svg text'))
      .filter((e) => e.closest('.hoverlayer') === null && (e.textContent ?? '').trim() !== '' && visible(e))
      .map((e) => ({ text: e.textContent, box: e.getBoundingClientRect() }));
    const overlaps = [];
    for (let a = 0; a < texts.length; a++) {
      for (let b = a + 1; b < texts.length; b++) {
        const [p, q] = [texts[a].box, texts[b].box];
        const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
        const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
        if (x > tolerance && y > tolerance) overlaps.push(`"${texts[a].text}" and "${texts[b].text}" share ${x.toFixed(1)} × ${y.toFixed(1)} px`);
      }
    }
    const owner = node.closest('[id]');
    return {
      key: `${owner?.id ?? `#${index}`}:${node.getAttribute('data-kind')}`,
      kind: node.getAttribute('data-kind'),
      title: node.querySelector('.gtitle')?.textContent ?? '',
      texts: texts.length,
      width: Math.round(node.getBoundingClientRect().width),
      overlaps,
    };
  });
}

export default async function ({ page, check, workspace, ui, log }) {
  const { closeAllEditors, notebookScroller, openNotebook, output, runAllAndCollect, expectedFigures, shoot, waitUntil } = ui;
  const list = page.locator('.notebook-editor .cell-list-container').first();

  for (const name of NOTEBOOKS) {
    await check(`figure text: no two pieces of text overlap in any figure of ${name}`, 240_000, async () => {
      await closeAllEditors(page);
      const file = join(workspace, 'samples', `${name}.lossnb`);
      const expected = figureCount(file);
      await openNotebook(page, `${name}.lossnb`);
      await runAllAndCollect(page, expectedFigures(file));
      const failed = await page.locator('.notebook-editor .codicon-notebook-state-error').count();
      if (failed > 0) throw new Error(`${failed} cell(s) of ${name} failed`);

      // Through the notebook a little over half a screen at a time, down and back up: a figure
      // draws when its output comes near the viewport, and is measured as soon as it shows text.
      const box = await list.boundingBox();
      const scrollOn = notebookScroller(page, box.height * 0.6);
      const seen = new Map();
      let shots = 0;
      await waitUntil(
        `the ${expected} figures of ${name} to draw`,
        async () => {
          const figures = await output(page)
            .locator('.losslab-figure')
            .evaluateAll(measureFigures, TOLERANCE)
            .catch(() => []);
          let added = false;
          for (const figure of figures) {
            if (figure.texts === 0) continue;
            const before = seen.get(figure.key);
            if (before === undefined) added = true;
            if (before === undefined || figure.texts > before.texts) seen.set(figure.key, figure);
          }
          if (added) await shoot(page, `figure-text-${name}-${String(++shots).padStart(2, '0')}`);
          if (seen.size >= expected) return true;
          await scrollOn();
          return { ok: false, seen: seen.size, of: expected };
        },
        150_000,
        400,
      );
      const overlapping = [...seen.values()].filter((f) => f.overlaps.length > 0);
      log(`  ${name}: ${seen.size} figures measured (${[...seen.values()].map((f) => `${f.kind} ${f.width} px, ${f.texts} texts`).join('; ')})`);
      if (overlapping.length > 0) {
        throw new Error(overlapping.map((f) => `${f.kind} "${f.title}": ${f.overlaps.join('; ')}`).join(' | '));
      }
    });
  }
  await closeAllEditors(page).catch(() => undefined);
}
