import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { renderReport } from '../../src/node/report/html';
import { cellOutputsToModels } from '../../src/core/notebook/outputs';
import type { NotebookModel } from '../../src/core/notebook/format';
import { Session } from '../../src/core/language/session';
import { launch, offlinePage } from '../browser/browser';
import { buildHarness } from '../browser/build';
import { PLOTLY_SCRIPT } from '../../src/core/figures/plotly/script';
import { FIXTURE_CELLS } from '../browser/figureFixtures';

// The HTML report of `losslab run --html`, with the report bundle inlined as the CLI inlines it,
// opened from file:// in headless Chromium with every network request refused.

/** A report page as the CLI writes it, with the inlined bundle (its CSP admits it by hash). */
function reportWithBundle(bundle: string): string {
  const session = new Session();
  const cells = [...FIXTURE_CELLS.curves, ...FIXTURE_CELLS.distribution, ...FIXTURE_CELLS.table];
  const model: NotebookModel = {
    metadata: {},
    extra: {},
    cells: cells.map((source) => ({ kind: 'code', language: 'losslab', source, outputs: cellOutputsToModels(session.runCell(source)), metadata: {}, extra: {} })),
  };
  // The page exactly as the CLI writes it: the bundle inlined and admitted by its hash alone.
  const html = renderReport(model, 'report', bundle);
  assert.doesNotMatch(html, /script-src[^;"]*unsafe-inline/);
  return html;
}

describe('HTML report figures in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser;
  let file: string;
  before(async () => {
    const dir = await buildHarness();
    file = join(dir, 'report.html');
    // As readFigureScript inlines them: plotly's classic script, then the report bundle.
    writeFileSync(file, reportWithBundle(`${readFileSync(join(dir, 'renderer', PLOTLY_SCRIPT), 'utf8')}\n${readFileSync(join(dir, 'report.js'), 'utf8')}`));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    if (file !== undefined) rmSync(dirname(file), { recursive: true, force: true });
  });

  it('draws every embedded figure offline and hides their markdown fallbacks', async () => {
    const { page, blocked, errors } = await offlinePage(browser, undefined);
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.documentElement.dataset.losslabFigures !== undefined);
    const embedded = await page.locator('script.losslab-figure').count();
    assert.equal(embedded, 3);
    assert.equal(await page.evaluate(() => document.documentElement.dataset.losslabFigures), '3');
    assert.equal(await page.locator('.losslab-report-figure .main-svg').count() >= 3, true);
    assert.equal(await page.locator('.losslab-report-figure .scatterlayer .js-line').count(), 3);
    assert.equal(await page.locator('.losslab-report-figure .barlayer .trace').count(), 2);
    assert.equal(await page.locator('.losslab-fallback:visible').count(), 0);
    mkdirSync('test-artifacts/renderer', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/renderer/report.png', fullPage: true });
    assert.deepEqual(blocked, []);
    assert.deepEqual(errors, []);
  });
});
