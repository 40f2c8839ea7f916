import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { readFixtures, type FigureFixture } from '../browser/figureFixtures';
import { openHarness, renderFigure, type HarnessSession } from '../browser/session';
import { Session } from '../../src/core/language/session';
import { loadCases } from '../parity/compare';

// Every figure kind, drawn by the real renderer bundle in headless Chromium, checked for what a
// user sees: traces, their points, axis titles, highlights and colours. Screenshots go to
// test-artifacts/renderer/.

const ARTIFACTS = 'test-artifacts/renderer';
const fixtures = new Map(readFixtures().map((f) => [f.name, f]));
const fixture = (name: string): FigureFixture => {
  const found = fixtures.get(name);
  assert.ok(found, `fixture ${name}`);
  return found;
};

interface Drawn {
  traces: { layer: string; points: number; paths: number }[];
  /** What plotly holds per trace (its input data), for point counts. */
  data: { type: string; x: number; y: number; name: string }[];
  titles: string[];
  text: string;
}

async function drawn(page: Page, id: string): Promise<Drawn> {
  return page.evaluate((i) => {
    const root = document.getElementById(`output-${i}`) as HTMLElement;
    const graph = root.querySelector('.losslab-plot') as HTMLElement & { data?: { type?: string; x?: unknown[]; y?: unknown[]; name?: string }[] };
    return {
      traces: Array.from(root.querySelectorAll('.trace')).map((t) => ({
        layer: (t.parentElement?.getAttribute('class') ?? '').split(' ')[0],
        points: t.querySelectorAll('.point').length,
        paths: t.querySelectorAll('path.js-line').length,
      })),
      data: (graph.data ?? []).map((d) => ({ type: d.type ?? 'scatter', x: d.x?.length ?? 0, y: d.y?.length ?? 0, name: d.name ?? '' })),
      titles: Array.from(root.querySelectorAll('.g-xtitle, .g-ytitle, .gtitle')).map((e) => e.textContent ?? ''),
      text: root.textContent ?? '',
    };
  }, id);
}

describe('figure renderer in Chromium', { timeout: 60_000 }, () => {
  let session: HarnessSession;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    session = await openHarness();
    for (const [name, f] of fixtures) await renderFigure(session.page, name, f.spec);
  });
  after(async () => {
    await session?.close();
  });

  it('draws every fixture kind and saves a screenshot of each', async () => {
    const kinds = new Set([...fixtures.values()].map((f) => f.spec.kind));
    for (const kind of ['curves', 'distribution', 'heatmap', 'histogram', 'scatter', 'table', 'anchor-map', 'distribution-grid', 'calibration', 'anchor-map-grid', 'assignment-map']) assert.ok(kinds.has(kind as never), kind);
    for (const name of fixtures.keys()) {
      const svg = await session.page.$$(`#output-${name} .main-svg`);
      assert.ok(svg.length > 0, `${name} has a plotly SVG`);
      await session.page.locator(`#output-${name}`).screenshot({ path: `${ARTIFACTS}/${name}.png` });
    }
  });

  it('curves: one line per series plus one per gradient, each with every x, and the axis titles', async () => {
    const f = fixture('curves-sliders');
    assert.equal(f.spec.kind, 'curves');
    const d = await drawn(session.page, 'curves-sliders');
    const lines = d.traces.filter((t) => t.layer === 'scatterlayer' && t.paths > 0);
    assert.equal(lines.length, 2, 'the curve and its gradient');
    for (const trace of d.data) assert.deepEqual([trace.x, trace.y], [1000, 1000]);
    assert.ok(d.titles.includes('s'), `x title in ${JSON.stringify(d.titles)}`);
    assert.ok(d.titles.some((t) => t.includes('QFL and its gradient')));
    const plain = await drawn(session.page, 'curves');
    assert.equal(plain.traces.filter((t) => t.paths > 0).length, 3);
    assert.deepEqual(plain.data.map((t) => t.x), [99, 99, 99]);
    assert.ok(plain.titles.includes('p') && plain.titles.includes('focal loss'));
  });

  it('distribution: one bar per bin, and the highlighted bars are the bins ⌊y⌋ and ⌊y⌋ + 1 of the target', async () => {
    const f = fixture('distribution');
    const bins = 8;
    const y = 2.4; // the cell's t
    const d = await drawn(session.page, 'distribution');
    const bars = d.traces.filter((t) => t.layer === 'barlayer');
    assert.deepEqual(bars.map((t) => t.points), [bins, 2]);
    // The highlight bars sit exactly over softmax bars: find which by their horizontal extent.
    const overlap = await session.page.evaluate(() => {
      const traces = Array.from(document.querySelectorAll('#output-distribution .barlayer .trace'));
      const extents = (trace: Element): string[] =>
        Array.from(trace.querySelectorAll('.point path')).map((p) => {
          const box = (p as SVGGraphicsElement).getBBox();
          return `${box.x.toFixed(1)}:${box.width.toFixed(1)}`;
        });
      const all = extents(traces[0]);
      return extents(traces[1]).map((e) => all.indexOf(e));
    });
    assert.deepEqual(overlap, [Math.floor(y), Math.floor(y) + 1]);
    assert.ok(d.titles.includes('bin') && d.titles.includes('probability'));
    assert.equal(f.spec.kind, 'distribution');
  });

  it('heatmap: a colour map over the grid with the diagonal line and its axis titles', async () => {
    const d = await drawn(session.page, 'heatmap');
    assert.equal(d.data[0].type, 'heatmap');
    const z = await session.page.evaluate(() => {
      const graph = document.querySelector('#output-heatmap .losslab-plot') as HTMLElement & { data: { z?: number[][] }[] };
      return [graph.data[0].z?.length, graph.data[0].z?.[0]?.length];
    });
    assert.deepEqual(z, [41, 41]);
    assert.equal(await session.page.locator('#output-heatmap .heatmaplayer image, #output-heatmap .hm image').count() > 0, true);
    assert.ok(d.titles.includes('sigma') && d.titles.includes('IoU target'));
    assert.ok(d.traces.some((t) => t.layer === 'scatterlayer' && t.paths === 1), 'diagonal');
  });

  it('histogram: one bar per bin with heights equal to the counts', async () => {
    const d = await drawn(session.page, 'histogram');
    assert.deepEqual(d.traces.filter((t) => t.layer === 'barlayer').map((t) => t.points), [5]);
    const heights = await session.page.evaluate(() =>
      Array.from(document.querySelectorAll('#output-histogram .barlayer .point path')).map((p) => (p as SVGGraphicsElement).getBBox().height),
    );
    // v = [.1 .22 .25 .3 .5 .55 .58 .41 .45 .9 .95 .99] in 5 bins of [0, 1]: 1, 3, 5, 0, 3 per bin.
    const counts = [1, 3, 5, 0, 3];
    const unit = heights[2] / 5;
    heights.forEach((h, i) => assert.ok(Math.abs(h - counts[i] * unit) < 0.5, `bar ${i}: ${h} vs ${counts[i] * unit}`));
    assert.ok(d.titles.includes('IoU'));
  });

  it('angle histogram: target and non-target bars overlaid, m and π − m dashed, the rows past π − m under the plot', async () => {
    const d = await drawn(session.page, 'angle-hist');
    assert.deepEqual(d.data.map((t) => t.name), ['target θ_y', 'non-target θ_j']);
    assert.deepEqual(d.traces.filter((t) => t.layer === 'barlayer').length, 2);
    const dashed = await session.page.evaluate(() => document.querySelectorAll('#output-angle-hist .layer-above .shapelayer path, #output-angle-hist .shapelayer path').length);
    assert.ok(dashed >= 2, `${dashed} mark lines`);
    assert.match(d.text, /m = 28\.6479°/);
    assert.match(d.text, /past π − m = 151\.352°/);
    assert.match(d.text, /8 \(/);
  });

  it('centre similarity: the centres’ cosine map with the nearest pairs under it', async () => {
    const d = await drawn(session.page, 'centre-similarity');
    assert.equal(d.data[0].type, 'heatmap');
    assert.equal(d.data[0].x, 4);
    assert.match(d.text, /Most similar centres \(class–class\): 0–3/);
  });

  it('scatter: every point drawn, coloured by class, on the unit circle', async () => {
    const markers = await session.page.evaluate(() =>
      Array.from(document.querySelectorAll('#output-scatter .scatterlayer .trace')).map((t) => ({
        points: t.querySelectorAll('.point').length,
        fill: (t.querySelector('.point') as SVGElement | null)?.style.fill ?? '',
      })),
    );
    const withPoints = markers.filter((m) => m.points > 0);
    const total = withPoints.reduce((sum, m) => sum + m.points, 0);
    assert.ok(total >= 6, `6 embeddings (plus centres), got ${total}`);
    // Three classes → at least three distinct marker colours.
    assert.ok(new Set(withPoints.map((m) => m.fill)).size >= 3, JSON.stringify(withPoints));
    const d = await drawn(session.page, 'scatter');
    assert.ok(d.titles.some((t) => t.includes('embeddings')));
  });

  it('table: header and the top-k rows sorted as asked', async () => {
    const cells = await session.page.evaluate(() => Array.from(document.querySelectorAll('#output-table .table .cell-text')).map((e) => e.textContent ?? ''));
    const text = cells.join(' ');
    for (const column of ['index', 'loss', 'iou']) assert.ok(text.includes(column), `${column} in ${text}`);
    // by loss, largest first, k = 3: rows 1 (2.5), 3 (1.5), 0 (0.5); row 2 (0.1) is left out.
    assert.ok(text.includes('2.5') && text.includes('1.5') && text.includes('0.5') && !text.includes('0.95'), text);
  });

  it('margin curves: softmax, SphereFace, CosFace and ArcFace target logits over θ', async () => {
    const d = await drawn(session.page, 'margins');
    const lines = d.data.filter((t) => t.type === 'scatter' && t.x === 181);
    assert.equal(lines.length, 4, JSON.stringify(d.data));
    assert.ok(d.titles.includes('θ'), JSON.stringify(d.titles));
    assert.ok(d.traces.filter((t) => t.layer === 'scatterlayer' && t.paths === 1).length >= 4);
  });

  it('anchor map: the level laid out on its 2 × 2 grid, the cells adding up to the GFL loss', async () => {
    const d = await drawn(session.page, 'anchor-map');
    assert.equal(d.data[0].type, 'heatmap');
    const z = await session.page.evaluate(() => {
      const graph = document.querySelector('#output-anchor-map .losslab-plot') as HTMLElement & { data: { z?: (number | null)[][] }[] };
      return graph.data[0].z ?? [];
    });
    assert.deepEqual([z.length, z[0]?.length], [2, 2]);
    const session2 = new Session();
    for (const cell of fixture('anchor-map').cells) {
      const errors = session2.runCell(cell).filter((o) => o.kind === 'error');
      assert.deepEqual(errors, [], cell);
    }
    const total = z.flat().reduce<number>((sum, v) => sum + (v ?? 0), 0);
    const loss = (session2.scope.get('g') as { loss: number }).loss;
    assert.ok(Math.abs(total - loss) <= 1e-12 * Math.max(1, loss), `${total} vs ${loss}`);
  });

  it('side distributions: four panels (l, t, r, b) of 17 bins each', async () => {
    const d = await drawn(session.page, 'sides');
    const bars = d.data.filter((t) => t.type === 'bar');
    assert.ok(bars.length >= 4, JSON.stringify(d.data));
    const perPanel = await session.page.evaluate(() =>
      Array.from(document.querySelectorAll('#output-sides .barlayer .trace')).map((t) => t.querySelectorAll('.point').length),
    );
    // Each panel: 17 bars of the distribution, plus its two target bins highlighted (a positive anchor).
    assert.deepEqual([...perPanel].sort((a, b) => a - b), [2, 2, 2, 2, 17, 17, 17, 17]);
    // Anchor 1 sits at (12, 4) px = (1.5, 0.5) strides inside the box (0, −8, 28, 20) px = (0, −1, 3.5, 2.5):
    // its targets are l = 1.5, t = 1.5, r = 2, b = 2 bins, by hand.
    for (const [side, target] of [['l', '1.5'], ['t', '1.5'], ['r', '2'], ['b', '2']]) {
      assert.ok(d.text.includes(`${side} (gt ${target})`), `panel ${side} with target ${target} in ${d.text}`);
    }
  });

  it('calibration: one point per positive anchor and the diagonal', async () => {
    const d = await drawn(session.page, 'calibration');
    const points = await session.page.evaluate(() => document.querySelectorAll('#output-calibration .scatterlayer .point').length);
    assert.ok(points >= 2, `${points} points`);
    assert.ok(d.traces.some((t) => t.layer === 'scatterlayer' && t.paths === 1), 'the diagonal');
    assert.ok(d.titles.some((t) => t.includes('IoU')));
  });

  it("anchor map grid: one heatmap per level on the levels' grids, the cells adding up to mmdetection's logged loss", async () => {
    const grids = await session.page.evaluate(() => {
      const graph = document.querySelector('#output-anchor-map-grid .losslab-plot') as HTMLElement & { data: { type: string; z: (number | null)[][]; showscale?: boolean }[] };
      return graph.data.map((t) => ({ type: t.type, rows: t.z.length, cols: t.z[0]?.length ?? 0, sum: t.z.flat().reduce<number>((a, v) => a + (v ?? 0), 0), scale: t.showscale === true }));
    });
    // The export's five levels are 16×16 … 1×1 (a 128² image, strides 8 … 128).
    assert.deepEqual(grids.map((g) => [g.type, g.rows, g.cols]), [16, 8, 4, 2, 1].map((n) => ['heatmap', n, n]));
    assert.deepEqual(grids.map((g) => g.scale), [true, false, false, false, false], 'one colour bar');
    const want = (loadCases('test/fixtures/detector-heads.json').find((c) => c.name === 'gfl/128x128-5cls-3gt')?.expected as { loss: number }).loss;
    const total = grids.reduce((a, g) => a + g.sum, 0);
    assert.ok(Math.abs(total - want) <= 1e-9 * want, `${total} vs ${want}`);
    const d = await drawn(session.page, 'anchor-map-grid');
    for (const level of [1, 2, 3, 4, 5]) assert.ok(d.text.includes(`level ${level} (stride ${4 * 2 ** level})`), `panel ${level} in ${d.text}`);
  });

  it("assignment map: the GT boxes, and as many positives as mmdetection's ATSS made", async () => {
    const drawnMap = await session.page.evaluate(() => {
      const root = document.querySelector('#output-assignment-map') as HTMLElement;
      const graph = root.querySelector('.losslab-plot') as HTMLElement & { data: { name: string; x: number[] }[]; layout: { shapes: unknown[] } };
      return { traces: graph.data.map((t) => [t.name, t.x.length]), shapes: graph.layout.shapes.length, points: root.querySelectorAll('.scatterlayer .point').length };
    });
    const debug = (loadCases('test/fixtures/detector-heads.json').find((c) => c.name === 'gfl/128x128-5cls-3gt') as unknown as { debug: { num_pos_per_image: number[] } }).debug;
    const positives = drawnMap.traces.find(([name]) => String(name).startsWith('positives'));
    assert.equal(positives?.[1], debug.num_pos_per_image[0]);
    assert.equal(drawnMap.shapes, 3, 'three GT boxes');
    assert.equal(drawnMap.points, drawnMap.traces.reduce((a, [, n]) => a + Number(n), 0), 'every anchor drawn');
  });

  it('shows the statement that drew a figure above it when the spec names one, and nothing otherwise', async () => {
    const spec = { ...fixture('curves').spec, statement: 'line 3 · plot(qfl(s, 0.5), s, 0.01, 0.99)' };
    await renderFigure(session.page, 'labelled', spec);
    const captions = await session.page.evaluate(() => ({
      labelled: Array.from(document.querySelectorAll('#output-labelled .losslab-statement')).map((e) => ({ text: e.textContent, above: e.nextElementSibling?.classList.contains('losslab-plot') ?? false })),
      plain: document.querySelectorAll('#output-curves .losslab-statement').length,
    }));
    assert.deepEqual(captions, { labelled: [{ text: 'line 3 · plot(qfl(s, 0.5), s, 0.01, 0.99)', above: true }], plain: 0 });
  });

  it('re-colours every figure when the theme changes, without reloading', async () => {
    const colours = (): Promise<{ paper: string; line: string }> =>
      session.page.evaluate(() => ({
        paper: (document.querySelector('#output-curves .main-svg') as SVGElement).style.background,
        line: (document.querySelector('#output-curves .scatterlayer .js-line') as SVGElement).style.stroke,
      }));
    const light = await colours();
    const updated = session.page.waitForFunction(
      (before) => (document.querySelector('#output-curves .main-svg') as SVGElement).style.background !== before,
      light.paper,
    );
    await session.page.evaluate(() =>
      window.harness.setTheme('vscode-dark', { '--vscode-editor-background': '#102030', '--vscode-editor-foreground': '#eeeeee', '--vscode-charts-blue': '#00ff88' }),
    );
    await updated;
    const dark = await colours();
    assert.equal(dark.paper, 'rgb(16, 32, 48)');
    assert.equal(dark.line, 'rgb(0, 255, 136)');
    assert.notEqual(dark.line, light.line);
  });

  it('loads nothing from the network and logs no errors', () => {
    assert.deepEqual(session.blocked, []);
    assert.deepEqual(session.errors.filter((e) => !/WebGL/i.test(e)), []);
  });
});
