import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { sampleFigures, type SampleFigure } from '../browser/sampleFigures';
import { openHarness, renderFigure, type HarnessSession } from '../browser/session';

// Every figure of the four sample notebooks, drawn by the real renderer bundle in headless
// Chromium at two cell widths (a half-screen editor and a wide one), measured rather than looked
// at: no two pieces of text overlap, the DFL weight labels are readable, tick values are round,
// no stray line runs through bin 0, the square kinds fill the width and tables end at their last
// row. Screenshots go to test-artifacts/renderer/readability/.

const ARTIFACTS = 'test-artifacts/renderer/readability';
const WIDTHS = [600, 960];
/** Boxes may touch: text overlaps when it shares more than this many px both ways. */
const TOLERANCE = 0.5;
/** The smallest font a label is readable at, in px. */
const READABLE_PX = 11;

interface TextBox {
  readonly text: string;
  readonly where: string;
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
  readonly fontPx: number;
}

interface Measured {
  readonly texts: TextBox[];
  /** Tick labels per axis (xtick, ytick, y2tick, …), as drawn. */
  readonly ticks: Record<string, string[]>;
  readonly zeroLinesX: number;
  readonly container: number;
  readonly svgWidth: number;
  readonly svgHeight: number;
  readonly graphHeight: number;
  /** The first x axis's plot-area width, once plotly has kept the aspect. */
  readonly plotWidth: number;
  /** A table's rows as drawn, how far its last row ends from the figure's bottom, and how far it scrolls. */
  readonly table?: { readonly lastRowBottom: number; readonly svgBottom: number; readonly rows: number; readonly scroll: number };
}

async function measure(page: Page, id: string): Promise<Measured> {
  return page.evaluate((i) => {
    const root = document.getElementById(`output-${i}`) as HTMLElement;
    const graph = root.querySelector('.losslab-plot') as HTMLElement & { _fullLayout?: { xaxis?: { _length?: number } } };
    const svg = root.querySelector('.main-svg') as SVGSVGElement;
    const visible = (e: Element): boolean => {
      const style = getComputedStyle(e);
      const box = e.getBoundingClientRect();
      return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0 && box.width > 0 && box.height > 0;
    };
    const texts = Array.from(root.querySelectorAll('svg text'))
      .filter((e) => e.closest('.hoverlayer') === null && (e.textContent ?? '').trim() !== '' && visible(e))
      .map((e) => {
        const box = e.getBoundingClientRect();
        const group = e.closest('[class]:not(text)')?.getAttribute('class') ?? '';
        return { text: e.textContent ?? '', where: `${e.getAttribute('class') ?? ''} in ${group}`, left: box.left, top: box.top, right: box.right, bottom: box.bottom, fontPx: parseFloat(getComputedStyle(e).fontSize) };
      });
    const ticks: Record<string, string[]> = {};
    for (const tick of Array.from(root.querySelectorAll('g[class$="tick"] > text'))) {
      const axis = (tick.parentElement?.getAttribute('class') ?? '').split(' ')[0];
      (ticks[axis] ??= []).push(tick.textContent ?? '');
    }
    const svgBox = svg.getBoundingClientRect();
    let table: { lastRowBottom: number; svgBottom: number; rows: number; scroll: number } | undefined;
    const column = root.querySelector('.table .y-column');
    if (column !== null) {
      const cells = Array.from(column.querySelectorAll('.column-cells .cell-rect'));
      // Plotly keeps each table's scroll state on its scroll bar's d3 datum.
      const kit = root.querySelector('.table .scrollbar-kit') as (Element & { __data__?: { scrollbarState?: { wiggleRoom?: number } } }) | null;
      table = {
        lastRowBottom: Math.max(...cells.map((c) => c.getBoundingClientRect().bottom)),
        svgBottom: svgBox.bottom,
        rows: cells.length,
        scroll: kit?.__data__?.scrollbarState?.wiggleRoom ?? Number.NaN,
      };
    }
    return {
      texts,
      ticks,
      zeroLinesX: root.querySelectorAll('.zerolinelayer path[class*="xzl"], .zerolinelayer path[class*="x2zl"], .zerolinelayer path[class*="x3zl"], .zerolinelayer path[class*="x4zl"]').length,
      container: root.clientWidth,
      svgWidth: svgBox.width,
      svgHeight: svgBox.height,
      graphHeight: graph.getBoundingClientRect().height,
      plotWidth: graph._fullLayout?.xaxis?._length ?? 0,
      ...(table === undefined ? {} : { table }),
    };
  }, id);
}

/** Every pair of text boxes that share more than TOLERANCE px both horizontally and vertically. */
function overlaps(texts: readonly TextBox[]): string[] {
  const found: string[] = [];
  for (let a = 0; a < texts.length; a++) {
    for (let b = a + 1; b < texts.length; b++) {
      const [p, q] = [texts[a], texts[b]];
      const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (x > TOLERANCE && y > TOLERANCE) found.push(`"${p.text}" (${p.where}) and "${q.text}" (${q.where}) share ${x.toFixed(1)} × ${y.toFixed(1)} px`);
    }
  }
  return found;
}

/** A tick label as a number: plotly writes minus signs as U+2212 and may group thousands. */
const tickValue = (text: string): number => Number(text.replace(/\u2212/g, '-').replace(/,/g, ''));

/**
 * Whether ticks are round: evenly spaced by a step of 1, 2 or 5 × 10^k, each a whole multiple of
 * the step. Non-numeric axes (categories, dates) pass.
 */
function roundTicks(labels: readonly string[]): string | undefined {
  const values = labels.map(tickValue);
  if (values.length < 2 || values.some((v) => !Number.isFinite(v))) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const step = sorted[1] - sorted[0];
  const exponent = Math.floor(Math.log10(step));
  const mantissa = step / 10 ** exponent;
  if (![1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)) return `step ${step} is not 1, 2 or 5 × 10^k`;
  for (let i = 1; i < sorted.length; i++) {
    if (Math.abs(sorted[i] - sorted[i - 1] - step) > step * 1e-6) return `uneven steps in ${sorted.join(', ')}`;
  }
  const off = sorted.find((v) => Math.abs(v / step - Math.round(v / step)) > 1e-6);
  return off === undefined ? undefined : `${off} is not a multiple of ${step}`;
}

describe('sample figures read well in Chromium', { timeout: 180_000 }, () => {
  let session: HarnessSession;
  const figures: SampleFigure[] = sampleFigures();
  const measured = new Map<string, Measured>();
  const key = (figure: SampleFigure, width: number): string => `${figure.id} at ${width} px`;
  const domId = (figure: SampleFigure, width: number): string => `${figure.id.replace(/[^a-z0-9]+/gi, '-')}-${width}`;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    session = await openHarness();
    for (const width of WIDTHS) {
      for (const figure of figures) {
        const id = domId(figure, width);
        await renderFigure(session.page, id, figure.spec, width);
        measured.set(key(figure, width), await measure(session.page, id));
        await session.page.locator(`#output-${id}`).screenshot({ path: `${ARTIFACTS}/${id}.png` });
        await session.page.evaluate((i) => window.harness.dispose(i), id);
      }
    }
  });
  after(async () => {
    await session?.close();
  });

  it('covers every figure kind of the samples', () => {
    const kinds = new Set(figures.map((f) => f.spec.kind));
    for (const kind of ['curves', 'distribution', 'heatmap', 'histogram', 'scatter', 'table', 'anchor-map', 'distribution-grid', 'calibration', 'anchor-map-grid', 'assignment-map']) assert.ok(kinds.has(kind as never), kind);
    assert.ok(figures.length >= 25, `${figures.length} figures`);
  });

  it('no two pieces of text overlap: legends, axis titles, tick labels, annotations, bar and cell text', () => {
    const problems: string[] = [];
    for (const width of WIDTHS) {
      for (const figure of figures) {
        const m = measured.get(key(figure, width));
        assert.ok(m, key(figure, width));
        assert.ok(m.texts.length > 0, `${key(figure, width)} has text`);
        for (const overlap of overlaps(m.texts)) problems.push(`${key(figure, width)}: ${overlap}`);
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the DFL weight labels are drawn at a readable size, once per target', () => {
    for (const width of WIDTHS) {
      for (const figure of figures.filter((f) => f.spec.kind === 'distribution' || f.spec.kind === 'distribution-grid')) {
        const m = measured.get(key(figure, width)) as Measured;
        const targets = figure.spec.kind === 'distribution' ? (figure.spec.target === undefined ? 0 : 1) : figure.spec.kind === 'distribution-grid' ? figure.spec.panels.filter((p) => p.target !== undefined).length : 0;
        const weights = m.texts.filter((t) => t.text.startsWith('w = '));
        assert.equal(weights.length, targets, `${key(figure, width)}: ${weights.map((w) => w.text).join(', ')}`);
        for (const w of weights) assert.ok(w.fontPx >= READABLE_PX, `${key(figure, width)}: "${w.text}" at ${w.fontPx} px`);
      }
    }
  });

  it('tick values are round on every axis, the gradient axes included', () => {
    const problems: string[] = [];
    let gradientAxes = 0;
    for (const width of WIDTHS) {
      for (const figure of figures) {
        const m = measured.get(key(figure, width)) as Measured;
        if (m.ticks.y2tick !== undefined && figure.spec.kind === 'curves') gradientAxes++;
        for (const [axis, labels] of Object.entries(m.ticks)) {
          const problem = roundTicks(labels);
          if (problem !== undefined) problems.push(`${key(figure, width)} ${axis}: ${problem} (${labels.join(', ')})`);
        }
      }
    }
    assert.ok(gradientAxes >= 2 * WIDTHS.length, `${gradientAxes} gradient axes seen`);
    assert.deepEqual(problems, []);
  });

  it('no line runs through bin 0 of a distribution: its x axes draw no zero line', () => {
    for (const width of WIDTHS) {
      for (const figure of figures.filter((f) => f.spec.kind === 'distribution' || f.spec.kind === 'distribution-grid')) {
        assert.equal((measured.get(key(figure, width)) as Measured).zeroLinesX, 0, key(figure, width));
      }
    }
  });

  it('every figure is as wide as its cell; anchor maps and calibration plots fill it', () => {
    for (const width of WIDTHS) {
      for (const figure of figures) {
        const m = measured.get(key(figure, width)) as Measured;
        assert.ok(Math.abs(m.svgWidth - m.container) <= 1, `${key(figure, width)}: ${m.svgWidth} px in a ${m.container} px cell`);
        assert.ok(m.graphHeight - m.svgHeight <= 1, `${key(figure, width)}: ${m.graphHeight - m.svgHeight} px blank under the figure`);
        if (figure.spec.kind === 'anchor-map' || figure.spec.kind === 'calibration' || figure.spec.kind === 'assignment-map') {
          // What is left beside the plot is its margins, the colour bar and the axis titles.
          assert.ok(m.plotWidth >= 0.6 * m.container, `${key(figure, width)}: a ${m.plotWidth.toFixed(0)} px plot in a ${m.container} px cell`);
        }
      }
    }
  });

  it('tables show every row and end at the last one, with no blank band', () => {
    for (const width of WIDTHS) {
      for (const figure of figures.filter((f) => f.spec.kind === 'table')) {
        const m = measured.get(key(figure, width)) as Measured;
        assert.ok(m.table, key(figure, width));
        assert.equal(figure.spec.kind, 'table');
        // The header is a row of the same column.
        assert.equal(m.table.rows, figure.spec.rows.length + 1, `${key(figure, width)}: rows drawn`);
        assert.equal(m.table.scroll, 0, `${key(figure, width)}: the rows need ${m.table.scroll} px of scrolling`);
        const under = m.table.svgBottom - m.table.lastRowBottom;
        assert.ok(under >= 0 && under <= 16, `${key(figure, width)}: ${under.toFixed(1)} px under the last row`);
      }
    }
  });

  it('loads nothing from the network and logs no errors', () => {
    assert.deepEqual(session.blocked, []);
    assert.deepEqual(session.errors.filter((e) => !/WebGL/i.test(e)), []);
  });
});
