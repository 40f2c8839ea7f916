import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FigureSpec, HeatmapFigure, HistogramFigure, TableFigure } from '../../../../src/core/figures/spec';
import { isFigureSpec } from '../../../../src/core/figures/spec';
import { Session, type CellOutput } from '../../../../src/core/language/session';

/* The embedding-export views, driven through a cell as a user calls them. */

function figure<T extends FigureSpec>(session: Session, source: string): { spec: T; markdown: string } {
  const outputs = session.runCell(source);
  const last = outputs[outputs.length - 1];
  assert.equal(last?.kind, 'figure', `${source}: ${JSON.stringify(outputs)}`);
  const output = last as Extract<CellOutput, { kind: 'figure' }>;
  assert.ok(isFigureSpec(output.spec));
  assert.doesNotThrow(() => JSON.parse(JSON.stringify(output.spec)), 'plain, serializable data');
  return { spec: output.spec as T, markdown: output.markdown };
}

function errorOf(session: Session, source: string): string {
  const outputs = session.runCell(source);
  const last = outputs[outputs.length - 1];
  assert.equal(last?.kind, 'error', source);
  return (last as Extract<CellOutput, { kind: 'error' }>).message;
}

describe('angle_hist', () => {
  // Rows 1 and 2 lie on their centres (θ_y = 0), row 3 opposite its centre (θ_y = 180°), row 4 at 90°.
  const cell = 'x = [[1, 0], [0, 2], [-3, 0], [0, 1]]\nW = [[1, 0], [0, 1]]\nangle_hist(x, W, [0, 1, 0, 0], {m: 0.5, bins: 4, title: "angles"})';

  it('bins θ_y and θ_j in degrees as fractions of each series, marks m and π − m, and lists the rows past π − m', () => {
    const { spec, markdown } = figure<HistogramFigure>(new Session(), cell);
    assert.equal(spec.kind, 'histogram');
    assert.deepEqual(spec.binEdges, [0, 45, 90, 135, 180]);
    // θ_y: 0, 0, 180, 90 → bins 0, 0, 3, 2.
    assert.deepEqual(spec.counts, [0.5, 0, 0.25, 0.25]);
    // θ_j: 90, 90, 90, 0 → bins 2, 2, 2, 0.
    assert.deepEqual(spec.series?.map((s) => s.counts), [[0.25, 0, 0.75, 0]]);
    const m = (0.5 * 180) / Math.PI;
    assert.deepEqual(spec.marks?.map((mark) => mark.x), [m, 180 - m]);
    assert.match(spec.note ?? '', /^1 of 4 samples past π − m = 151\.352° \(row, θ_y\): 3 \(180°\)\.$/);
    assert.equal(spec.title, 'angles');
    assert.match(markdown, /past π − m/);
  });

  it('reads W as (C, d) rows with convention "insightface"', () => {
    const session = new Session();
    const columns = figure<HistogramFigure>(session, 'angle_hist([[1, 2, 0]], [[1, 0], [0, 1], [1, 1]], [1])').spec;
    const rows = figure<HistogramFigure>(session, 'angle_hist([[1, 2, 0]], [[1, 0, 1], [0, 1, 1]], [1], {convention: "insightface"})').spec;
    assert.deepEqual(rows.values, columns.values);
  });

  it('names a bad input in its own words', () => {
    const session = new Session();
    assert.match(errorOf(session, 'angle_hist([[1, 0]], [[1, 0], [0, 1]], [2])'), /^angle_hist: labels at index \[1\] should be integers in \[0, 1\]/);
    assert.match(errorOf(session, 'angle_hist([[1, 0]], [[1, 0], [0, 1]])'), /angle_hist: arguments should be angle_hist\(x, W, labels/);
  });
});

describe('centre_similarity', () => {
  it('maps every centre cosine over class ids and lists the most similar pairs', () => {
    // Classes 0 and 2 point the same way: a duplicated class.
    const { spec } = figure<HeatmapFigure>(new Session(), 'centre_similarity([[1, 0, 2], [0, 1, 0]], {top: 2})');
    assert.deepEqual(spec.x, [0, 1, 2]);
    assert.deepEqual(spec.z, [[1, 0, 1], [0, 1, 0], [1, 0, 1]]);
    assert.match(spec.note ?? '', /^Most similar centres \(class–class\): 0–2 cos 1 \(0°\), 0–1 cos 0 \(90°\)\.$/);
  });

  it('shows only the classes of the listed pairs above max_classes', () => {
    const { spec } = figure<HeatmapFigure>(new Session(), 'centre_similarity([[1, 0, 2, 0], [0, 1, 0, -1]], {top: 1, max_classes: 3})');
    assert.deepEqual(spec.x, [0, 2]);
    assert.match(spec.note ?? '', /shows the 2 classes of these pairs, of 4/);
  });
});

describe('class_distances', () => {
  it('tabulates each class, the smallest gap first, with a dash where a singleton has no spread', () => {
    // Class 0: (0, 0), (0, 1); class 1: (1, 0), (1, 1); class 2: (5, 5) alone.
    const { spec } = figure<TableFigure>(new Session(), 'class_distances([[0, 0], [0, 1], [1, 0], [1, 1], [5, 5]], [0, 0, 1, 1, 2], {normalize: false})');
    assert.deepEqual(spec.columns, ['class', 'n', 'intra_mean', 'intra_max', 'inter_min', 'inter_mean', 'nearest_class', 'gap']);
    assert.deepEqual(spec.rows.map((r) => r[0]), [0, 1, 2]);
    assert.deepEqual(spec.rows[0].slice(0, 5), [0, 2, 1, 1, 1]);
    assert.equal(spec.rows[0][7], 0);
    assert.deepEqual(spec.rows[2].slice(1, 4), [1, '—', '—']);
    assert.equal(spec.rows[2][6], 1);
  });
});
