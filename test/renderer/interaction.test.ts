import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CurvesFigure, DistributionFigure } from '../../src/core/figures/spec';
import { figureFromCells, readFixtures } from '../browser/figureFixtures';
import { openHarness, renderFigure, type HarnessSession } from '../browser/session';

// Sliders, export, write-back and lifecycle, driven as a user would (mouse and keyboard) in
// headless Chromium; recomputed figures are compared with a Session run directly in Node.

const fixtures = new Map(readFixtures().map((f) => [f.name, f]));
const curves = fixtures.get('curves-sliders');
const distribution = fixtures.get('distribution');

/** The y values plotly holds for trace `index` of an output. */
function plottedY(session: HarnessSession, id: string, index: number): Promise<number[]> {
  return session.page.evaluate(
    ([i, k]) => Array.from(((document.querySelector(`#output-${i} .losslab-plot`) as HTMLElement & { data: { y: number[] }[] }).data[k as number]).y),
    [id, index] as const,
  );
}

/** Resolves with the next slider redraw's detail (spec values and time). */
function nextUpdate(session: HarnessSession, id: string): Promise<{ ms: number; error?: string }> {
  return session.page.evaluate(
    (i) =>
      new Promise<{ ms: number; error?: string }>((resolve) => {
        document.getElementById(`output-${i}`)?.addEventListener('losslab-figure-update', (event) => resolve({ ms: (event as CustomEvent<{ ms: number; error?: string }>).detail.ms, error: (event as CustomEvent<{ error?: string }>).detail.error }), { once: true });
      }),
    id,
  );
}

describe('figure interaction in Chromium', { timeout: 60_000 }, () => {
  let session: HarnessSession;
  before(async () => {
    assert.ok(curves && distribution);
    session = await openHarness();
    await renderFigure(session.page, 'curves', curves.spec);
    await renderFigure(session.page, 'dist', distribution.spec);
  });
  after(async () => {
    await session?.close();
  });

  it('a real mouse drag on the beta slider redraws the curve the core computes for the value shown', async () => {
    assert.ok(curves);
    const slider = session.page.locator('#output-curves .losslab-slider[data-name="beta"] input[type=range]');
    const box = await slider.boundingBox();
    assert.ok(box);
    const before = await plottedY(session, 'curves', 0);
    const settled = session.page.waitForFunction(() => document.querySelector('#output-curves .losslab-slider[data-name="beta"] output')?.textContent !== '2');
    await session.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await session.page.mouse.down();
    for (let step = 1; step <= 8; step++) await session.page.mouse.move(box.x + box.width / 2 + step * 6, box.y + box.height / 2);
    await session.page.mouse.up();
    await settled;
    const beta = Number(await slider.inputValue());
    assert.ok(beta > 2 && beta <= 4, `beta moved right: ${beta}`);
    // The last frame's redraw may still be running: wait until plotly holds the final values.
    const direct = figureFromCells(['beta = ' + String(beta), ...curves.cells.slice(1)]) as CurvesFigure;
    await session.page.waitForFunction(
      ([want]) => Math.abs(((document.querySelector('#output-curves .losslab-plot') as HTMLElement & { data: { y: number[] }[] }).data[0].y[500]) - want) < 1e-12,
      [direct.series[0].y[500]] as const,
    );
    const after = await plottedY(session, 'curves', 0);
    const afterGrad = await plottedY(session, 'curves', 1);
    assert.notDeepEqual(after, before);
    after.forEach((y, i) => assert.ok(Math.abs(y - direct.series[0].y[i]) <= 1e-12 * (1 + Math.abs(y)), `y[${i}]`));
    afterGrad.forEach((g, i) => assert.ok(Math.abs(g - (direct.series[0].grad ?? [])[i]) <= 1e-9 * (1 + Math.abs(g)), `grad[${i}]`));
  });

  it('the keyboard moves a slider by one step and the DFL target bins follow', async () => {
    const slider = session.page.locator('#output-dist .losslab-slider[data-name="t"] input[type=range]');
    await slider.focus();
    let update = nextUpdate(session, 'dist');
    for (let i = 0; i < 4; i++) {
      await session.page.keyboard.press('ArrowRight');
    }
    await update;
    // 2.4 + 4 × 0.1, read back from the input (the browser snaps to the step).
    let t = Number(await slider.inputValue());
    if (Math.abs(t - 2.8) > 1e-9) {
      update = nextUpdate(session, 'dist');
      await update;
      t = Number(await slider.inputValue());
    }
    assert.ok(Math.abs(t - 2.8) < 1e-9, String(t));
    update = nextUpdate(session, 'dist');
    await slider.fill('3.5');
    await update;
    const direct = figureFromCells(['z = [0, 1, 3, 1, 0, -1, -2, -3]', 't = 3.5', 'dist(z, t, {sliders: {t: [0, 7, 0.1]}, title: "DFL bins"})']) as DistributionFigure;
    const target = await session.page.evaluate(() => Array.from((document.querySelector('#output-dist .losslab-plot') as HTMLElement & { data: { x: number[] }[] }).data[1].x));
    assert.deepEqual(target, [3, 4]);
    assert.deepEqual(target, [direct.target?.left, direct.target?.right]);
  });

  it('keeps up with 30 consecutive slider moves, each redrawn without error (timing is in npm run bench)', async () => {
    const updates = await session.page.evaluate(async () => {
      const input = document.querySelector('#output-curves .losslab-slider[data-name="y0"] input') as HTMLInputElement;
      const seen: { error?: string; value: number }[] = [];
      for (let i = 0; i < 30; i++) {
        const value = 0.05 + (i % 18) * 0.05;
        const done = new Promise<{ error?: string }>((resolve) =>
          document.getElementById('output-curves')?.addEventListener('losslab-figure-update', (e) => resolve((e as CustomEvent<{ error?: string }>).detail), { once: true }),
        );
        input.value = String(value);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        seen.push({ ...(await done), value });
      }
      return seen;
    });
    assert.equal(updates.length, 30);
    for (const update of updates) assert.equal(update.error, undefined, `update at y0 = ${update.value}`);
  });

  it('PNG and SVG export post the image to the host; Copy JSON posts the spec; write-back posts rounded values', async () => {
    await session.page.evaluate(() => window.harness.messages.splice(0));
    const toolbar = session.page.locator('#output-curves .losslab-toolbar');
    await toolbar.getByText('PNG').click();
    await toolbar.getByText('SVG').click();
    await toolbar.getByText('Copy JSON').click();
    await session.page.locator('#output-curves .losslab-write-back').click();
    await session.page.waitForFunction(() => window.harness.messages.length >= 4);
    const messages = (await session.page.evaluate(() => window.harness.messages)) as Record<string, unknown>[];
    const png = messages.find((m) => m.type === 'export' && m.format === 'png');
    const svg = messages.find((m) => m.type === 'export' && m.format === 'svg');
    assert.ok(png && svg);
    assert.equal(png.suggestedName, 'qfl-and-its-gradient.png');
    const bytes = Buffer.from(String(png.dataUrl).replace(/^data:image\/png;base64,/, ''), 'base64');
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47]);
    assert.match(decodeURIComponent(String(svg.dataUrl).replace(/^data:image\/svg\+xml,/, '')), /^<svg[\s\S]*<\/svg>$/);
    const copy = messages.find((m) => m.type === 'copy');
    assert.equal((JSON.parse(String(copy?.text)) as { kind: string }).kind, 'curves');
    const write = messages.find((m) => m.type === 'writeBack') as { statement: string; values: Record<string, number> } | undefined;
    assert.ok(write);
    assert.equal(write.statement, curves?.cells[2]);
    const shown = await session.page.locator('#output-curves .losslab-slider[data-name="beta"] output').textContent();
    assert.equal(write.values.beta, Number(shown));
    await session.page.evaluate(() => window.harness.reply({ type: 'status', ok: true, text: 'Wrote beta = 3.' }));
    assert.equal(await session.page.locator('#output-curves .losslab-status').textContent(), 'Wrote beta = 3.');
  });

  it('follows the cell width, replaces a re-rendered item cleanly and purges on dispose', async () => {
    const width = (): Promise<number> => session.page.evaluate(() => Number((document.querySelector('#output-dist .main-svg') as SVGSVGElement).getAttribute('width')));
    const wide = await width();
    await session.page.evaluate(() => {
      (document.getElementById('output-dist') as HTMLElement).style.width = '480px';
    });
    await session.page.waitForFunction(() => Number((document.querySelector('#output-dist .main-svg') as SVGSVGElement).getAttribute('width')) === 480);
    assert.ok(wide > 480);
    assert.ok(distribution);
    await renderFigure(session.page, 'dist', distribution.spec, 600);
    assert.equal(await session.page.locator('#output-dist .losslab-figure').count(), 1);
    assert.equal(await session.page.locator('#output-dist .losslab-slider').count(), 1);
    const purged = await session.page.evaluate(() => {
      const graph = document.querySelector('#output-dist .losslab-plot') as HTMLElement & { _fullLayout?: unknown };
      window.harness.dispose('dist');
      return { layout: graph._fullLayout === undefined, children: graph.childElementCount, attached: graph.isConnected };
    });
    assert.deepEqual(purged, { layout: true, children: 0, attached: false });
  });

  it('loaded nothing from the network and logged no errors', () => {
    assert.deepEqual(session.blocked, []);
    assert.deepEqual(session.errors, []);
  });
});
