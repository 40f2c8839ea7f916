// What a Jupyter user reaches for, in a real workbench with the packaged LossLab: the LossLab
// Variables view (opened from the notebook toolbar) lists the kernel's variables with kind, shape,
// dtype and min/mean/max and updates after each cell; the toolbar's Export as HTML Report writes
// the page through the save dialog, and that page draws its figure with the network cut off.
// Screenshots: test-artifacts/e2e/ui/variables-export-0N-*.png.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const NOTEBOOK = 'variables-check.lossnb';
const code = (source) => ({ kind: 'code', language: 'losslab', source: [source], outputs: [] });
const CELLS = [
  { kind: 'markdown', language: 'markdown', source: ['# Variables and export'] },
  code('x = [[1, 2, 3], [4, 5, 6]]'),
  code('y = 2 * x'),
  code('plot(qfl(s, 0.5), s, 0.01, 0.99)'),
];

export default async function ({ page, check, workspace, ui, log }) {
  const { output, shoot, waitUntil } = ui;
  writeFileSync(join(workspace, NOTEBOOK), `${JSON.stringify({ version: 1, metadata: { title: 'Variables and export' }, cells: CELLS }, null, 2)}\n`);
  const toolbar = page.locator('.notebook-toolbar-container');
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /LossLab Variables/i }) });
  /**
   * Each row as "name description" (the tree draws them as two spans, with no space between in
   * the text), the detail rows of collapsed variables not included.
   */
  const rows = () =>
    pane.locator('.monaco-list-row').evaluateAll((items) =>
      items.map((item) => {
        const part = (selector) => (item.querySelector(selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
        return `${part('.label-name')} ${part('.label-description')}`.trim();
      }),
    );
  const runCell = async (source) => {
    const row = page.locator('.notebook-editor .cell-list-container .code-cell-row', { hasText: source }).first();
    await row.scrollIntoViewIfNeeded();
    await row.hover();
    await row.locator('.run-button-container .action-label').first().click();
  };
  const rowsMatch = (patterns, absent = []) => async () => {
    const seen = await rows();
    const ok = patterns.every((p) => seen.some((r) => p.test(r))) && absent.every((p) => !seen.some((r) => p.test(r)));
    return ok || { ok: false, rows: seen };
  };

  await check('variables: the toolbar opens the LossLab Variables view, empty before any cell ran', 90_000, async () => {
    await ui.openFromExplorer(page, NOTEBOOK);
    await toolbar.locator('a.action-label[aria-label*="Variables"]').first().click();
    await pane.locator('.pane-header').waitFor({ state: 'visible', timeout: 15_000 });
    const seen = await rows();
    if (seen.some((r) => /tensor/.test(r))) throw new Error(`variables before any run: ${JSON.stringify(seen)}`);
    await shoot(page, 'variables-export-01-empty');
  });

  await check('variables: after each cell the view shows its variables with shape, dtype and min/mean/max', 120_000, async () => {
    await runCell(CELLS[1].source[0]);
    // x holds 1..6: min 1, mean 21 / 6 = 3.5, max 6.
    await waitUntil('x in the view', rowsMatch([/^x tensor \(2, 3\) float64 · min 1 · mean 3\.5 · max 6$/], [/^y /]), 60_000, 500);
    await shoot(page, 'variables-export-02-after-x');
    await runCell(CELLS[2].source[0]);
    await waitUntil('y in the view', rowsMatch([/^x tensor/, /^y tensor \(2, 3\) float64 · min 2 · mean 7 · max 12$/]), 60_000, 500);
    await shoot(page, 'variables-export-03-after-y');
  });

  await check('export: the toolbar button writes the HTML report through the save dialog', 120_000, async () => {
    await runCell(CELLS[3].source[0]);
    await waitUntil('the figure to draw', async () => (await output(page).locator('.losslab-figure .main-svg').count().catch(() => 0)) > 0, 60_000, 500);
    const target = join(workspace, 'variables-report.html');
    rmSync(target, { force: true });
    await toolbar.locator('a.action-label[aria-label*="Export"]').first().click();
    // code-server shows VS Code's simple file dialog: a quick input holding the path.
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // The simple dialog first shows the folder, then completes the proposed name.
    const expected = join(workspace, 'variables-check.html');
    await waitUntil('the dialog to propose variables-check.html next to the notebook', async () => {
      const proposed = await input.inputValue();
      return proposed === expected || { ok: false, proposed };
    }, 10_000);
    await shoot(page, 'variables-export-04-save-dialog');
    // Typed, not filled: the simple dialog validates the path on its own input events.
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type(target, { delay: 5 });
    await page.waitForTimeout(500);
    // Enter accepts, as a user does; the simple dialog may first complete the path it validated,
    // so while it stays open Enter is pressed again.
    await waitUntil(
      'the report on disk',
      async () => {
        if (existsSync(target) && readFileSync(target, 'utf8').includes('</html>')) return true;
        if (await input.isVisible()) {
          await input.focus();
          await page.keyboard.press('Enter');
        }
        return { ok: false, dialog: await input.inputValue().catch(() => 'closed') };
      },
      30_000,
      1_000,
    );
    const html = readFileSync(target, 'utf8');
    for (const expected of ['<title>Variables and export</title>', 'x = [[1, 2, 3], [4, 5, 6]]', 'class="losslab-figure"']) {
      if (!html.includes(expected)) throw new Error(`the report lacks ${expected}`);
    }
    log(`  wrote ${target} (${(html.length / 1e6).toFixed(1)} MB)`);
    await ui.notification(page, /exported variables-report\.html/);
    await shoot(page, 'variables-export-05-exported');
  });

  await check('export: the report opens offline and draws its figure', 60_000, async () => {
    const target = join(workspace, 'variables-report.html');
    const viewer = await page.context().newPage();
    const network = [];
    try {
      // Anything but the file itself would be the network: refused and counted.
      await viewer.route(/^(https?|wss?):/, (route) => {
        network.push(route.request().url());
        return route.abort();
      });
      await viewer.goto(pathToFileURL(target).href, { waitUntil: 'load' });
      await waitUntil(
        'the report to draw its figure',
        async () => {
          const drawn = await viewer.evaluate(() => ({
            figures: document.documentElement.dataset.losslabFigures,
            plots: document.querySelectorAll('.losslab-report-figure .main-svg').length,
            traces: document.querySelectorAll('.losslab-report-figure .scatterlayer .trace').length,
          }));
          return (drawn.figures === '1' && drawn.plots > 0 && drawn.traces > 0) || { ok: false, drawn };
        },
        30_000,
      );
      if (network.length > 0) throw new Error(`the report asked the network for ${network.join(', ')}`);
      await shoot(viewer, 'variables-export-06-report-offline');
    } finally {
      await viewer.close();
    }
    await page.bringToFront();
    await page.keyboard.press('Escape');
  });
}

