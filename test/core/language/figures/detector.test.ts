import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnchorMapFigure, CalibrationFigure, CurvesFigure, DistributionGridFigure, FigureSpec, TableFigure } from '../../../../src/core/figures/spec';
import { Session } from '../../../../src/core/language/session';

/**
 * The detector-debug figure functions (anchor_map, worst_anchors, sides, calibration) and
 * margins_plot, run as cells on small GFL outputs built by hand.
 */

function figureOf(session: Session, source: string): FigureSpec {
  const outputs = session.runCell(source);
  const last = outputs[outputs.length - 1];
  assert.ok(last !== undefined && last.kind === 'figure', JSON.stringify(outputs));
  return last.spec;
}

function errorOf(session: Session, source: string): string {
  const outputs = session.runCell(source);
  const error = outputs.find((o) => o.kind === 'error');
  assert.ok(error !== undefined && error.kind === 'error', `expected an error from ${source}, got ${JSON.stringify(outputs)}`);
  return error.message;
}

const close = (got: number, want: number, tol = 1e-12): void => assert.ok(Math.abs(got - want) <= tol * (1 + Math.abs(want)), `got ${got}, want ${want}`);
const sigma = (z: number): number => 1 / (1 + Math.exp(-z));

/** A gfl(…)-shaped result by hand: per-anchor totals 1.5, 2, 3.25, 4. */
function handSession(): Session {
  const session = new Session();
  session.scope.set('g', {
    per_anchor: { cls: [1, 2, 3, 4], bbox: [0.5, 0, 0, 0], dfl: [0, 0, 0.25, 0] },
    score: [0.9, 0, 0.4, 0],
    weight: [0.7, 0, 0.6, 0],
  });
  return session;
}

describe('anchor_map', () => {
  it('lays a gfl result out on the grid of its points, from offset-0.5 or offset-0 centres', () => {
    const session = handSession();
    for (const points of ['[[4, 4], [12, 4], [4, 12], [12, 12]]', '[[0, 0], [8, 0], [0, 8], [8, 8]]']) {
      const map = figureOf(session, `anchor_map(g, ${points}, {stride: 8})`) as AnchorMapFigure;
      assert.equal(map.kind, 'anchor-map');
      assert.deepEqual(map.z, [[1.5, 2], [3.25, 4]]);
      assert.deepEqual(map.anchors, [[1, 2], [3, 4]]);
      assert.equal(map.stride, 8);
    }
    const cls = figureOf(session, 'anchor_map(g, [[4, 4], [12, 4], [4, 12], [12, 12]], {stride: 8, component: "cls"})') as AnchorMapFigure;
    assert.deepEqual(cls.z, [[1, 2], [3, 4]]);
    assert.equal(cls.zLabel, 'loss_cls');
    const score = figureOf(session, 'anchor_map(g, [2, 2], {component: "score"})') as AnchorMapFigure;
    assert.deepEqual(score.z, [[0.9, 0], [0.4, 0]]);
  });

  it('takes the points from a data object', () => {
    const session = handSession();
    session.scope.set('data', { points: [[4, 4], [12, 4], [4, 12], [12, 12]] });
    assert.deepEqual((figureOf(session, 'anchor_map(g, data, {stride: 8})') as AnchorMapFigure).z, [[1.5, 2], [3.25, 4]]);
  });

  it('an explicit [H, W] lays any vector out row-major', () => {
    const session = new Session();
    const map = figureOf(session, 'anchor_map([1, 2, 3, 4, 5, 6], [2, 3])') as AnchorMapFigure;
    assert.deepEqual(map.z, [[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(map.anchors, [[1, 2, 3], [4, 5, 6]]);
    assert.equal(map.stride, undefined);
  });

  it('leaves empty cells null and adds anchors that share a cell', () => {
    const session = new Session();
    const map = figureOf(session, 'anchor_map([1, 2, 3, 10], [[0, 0], [16, 0], [0, 8], [1, 1]], {stride: 8})') as AnchorMapFigure;
    assert.deepEqual(map.z, [[11, null, 2], [3, null, null]]);
    assert.deepEqual(map.anchors, [[1, null, 2], [3, null, null]]);
    // JSON keeps the gaps.
    assert.deepEqual(JSON.parse(JSON.stringify(map)).z, [[11, null, 2], [3, null, null]]);
  });

  it('no anchors: an empty map', () => {
    const session = new Session();
    session.scope.set('empty', { shape: [0, 2], data: new Float64Array(0) });
    session.scope.set('none', { shape: [0], data: new Float64Array(0) });
    assert.deepEqual((figureOf(session, 'anchor_map(none, empty, {stride: 8})') as AnchorMapFigure).z, []);
  });

  it('names what is wrong', () => {
    const session = handSession();
    assert.match(errorOf(session, 'anchor_map(g, [[0, 0], [8, 0], [0, 8], [8, 8]])'), /options\.stride.*missing/);
    assert.match(errorOf(session, 'anchor_map([1, 2], [[0, 0], [8, 0], [0, 8]], {stride: 8})'), /one point per value/);
    assert.match(errorOf(session, 'anchor_map([1, 2, 3], [2, 2])'), /H·W = 4/);
    assert.match(errorOf(session, 'anchor_map([1, 2, 3, 4], [2, 2], {component: "cls"})'), /only with a gfl/);
    assert.match(errorOf(session, 'anchor_map(g, [2, 2], {component: "iou"})'), /options\.component/);
    assert.match(errorOf(session, 'anchor_map([1, NaN, 3, 4], [2, 2])'), /finite/);
    assert.match(errorOf(session, 'anchor_map([1, 2, 3, 4], [2, 2, 1])'), /shape \[H, W\]/);
    assert.match(errorOf(session, 'anchor_map([1, 2], [[0, 0], [1e12, 0]], {stride: 1})'), /at most/);
  });
});

describe('worst_anchors', () => {
  it('ranks anchors by total loss, largest first, with every per-anchor value', () => {
    const table = figureOf(handSession(), 'worst_anchors(g, {k: 2})') as TableFigure;
    assert.deepEqual(table.columns, ['anchor', 'total', 'cls', 'bbox', 'dfl', 'score', 'weight']);
    assert.deepEqual(table.rows, [
      [4, 4, 4, 0, 0, 0, 0],
      [3, 3.25, 3, 0, 0.25, 0.4, 0.6],
    ]);
  });

  it('ranks by any component, ties by anchor index, k capped by n', () => {
    const table = figureOf(handSession(), 'worst_anchors(g, {by: "bbox", k: 10})') as TableFigure;
    assert.deepEqual(table.rows.map((r) => r[0]), [1, 2, 3, 4]);
    assert.match(table.title ?? '', /Top 4 anchors by bbox/);
    const session = handSession();
    assert.match(errorOf(session, 'worst_anchors([1, 2])'), /gfl/);
    assert.match(errorOf(session, 'worst_anchors(g, {by: "iou"})'), /options\.by/);
  });
});

/** Three anchors, 4 bins per side (reg_max 3), 2 classes; logits ln(1, 2, 3, 4) on every side. */
function sidesSession(): Session {
  const session = new Session();
  const row = [0, Math.log(2), Math.log(3), Math.log(4)];
  const reg = [0, 1, 2].map(() => [...row, ...row, ...row, ...row]);
  session.scope.set('data', {
    cls: [[0, -2], [Math.log(3), 1], [5, 5]],
    reg,
    points: [[16, 16], [8, 0], [0, 8]],
    labels: [0, 2, 1],
    gt_boxes: [[4, 0, 48, 20], [0, 0, 0, 0], [0, 0, 8, 8]],
  });
  return session;
}

describe('sides', () => {
  it("draws the four sides of a positive with the ground truth in stride units, clamped as GFL trains it", () => {
    const grid = figureOf(sidesSession(), 'sides(data, 1, {stride: 8})') as DistributionGridFigure;
    assert.equal(grid.kind, 'distribution-grid');
    assert.equal(grid.columns, 2);
    // Centre (2, 2), box (0.5, 0, 6, 2.5) in stride units: l 1.5, t 2, r 4 → 2.9 (reg_max − 0.1), b 0.5.
    assert.deepEqual(grid.panels.map((p) => p.name), ['l (gt 1.5)', 't (gt 2)', 'r (gt 4 → 2.9)', 'b (gt 0.5)']);
    const want = [
      { y: 1.5, left: 1, right: 2, wl: 0.5, wr: 0.5 },
      { y: 2, left: 2, right: 3, wl: 1, wr: 0 },
      { y: 2.9, left: 2, right: 3, wl: 0.1, wr: 0.9 },
      { y: 0.5, left: 0, right: 1, wl: 0.5, wr: 0.5 },
    ];
    const p = [0.1, 0.2, 0.3, 0.4];
    grid.panels.forEach((panel, s) => {
      panel.probabilities.forEach((q, i) => close(q, p[i]));
      close(panel.expectation, 2);
      const t = panel.target;
      assert.ok(t !== undefined);
      close(t.y, want[s].y);
      assert.deepEqual([t.left, t.right], [want[s].left, want[s].right]);
      close(t.weightLeft, want[s].wl, 1e-12);
      close(t.weightRight, want[s].wr, 1e-12);
      close(panel.loss ?? NaN, -(want[s].wl * Math.log(p[want[s].left]) + want[s].wr * Math.log(p[want[s].right])), 1e-12);
      const h = (w: number): number => (w > 0 ? -w * Math.log(w) : 0);
      close(panel.entropyFloor ?? NaN, h(want[s].wl) + h(want[s].wr), 1e-12);
    });
    assert.match(grid.title ?? '', /Anchor 1 \(label 0\)/);
  });

  it('a negative anchor shows its distributions without targets, and needs no stride', () => {
    const grid = figureOf(sidesSession(), 'sides(data, 2)') as DistributionGridFigure;
    assert.deepEqual(grid.panels.map((p) => p.name), ['l', 't', 'r', 'b']);
    assert.ok(grid.panels.every((p) => p.target === undefined && p.loss === undefined));
    assert.match(grid.title ?? '', /negative/);
  });

  it("follows the background-first convention", () => {
    // With background first, label 0 (anchor 1) is background and label 2 (anchor 2) a class.
    const session = sidesSession();
    assert.ok((figureOf(session, 'sides(data, 1, {background: "first"})') as DistributionGridFigure).panels[0].target === undefined);
    assert.match((figureOf(session, 'sides(data, 2, {stride: 8, background: "first"})') as DistributionGridFigure).title ?? '', /Anchor 2 \(label 2\)/);
  });

  it('names what is wrong', () => {
    const session = sidesSession();
    assert.match(errorOf(session, 'sides(data, 1)'), /options\.stride/);
    assert.match(errorOf(session, 'sides(data, 4, {stride: 8})'), /anchor should be a position from 1 to 3/);
    assert.match(errorOf(session, 'sides(data, 0, {stride: 8})'), /positions start at 1.*but is 0/);
    assert.match(errorOf(session, 'sides(data, 1.5, {stride: 8})'), /anchor/);
    assert.match(errorOf(session, 'sides(data, 1, {stride: 8, reg_max: 16})'), /reg_max.*3/);
    session.scope.set('bad', { reg: [[1, 2, 3]] });
    assert.match(errorOf(session, 'sides(bad, 1)'), /4·bins/);
  });
});

describe('calibration', () => {
  it('plots σ of the labelled class against the IoU target, positives only', () => {
    const session = sidesSession();
    session.scope.set('g', { score: [0.8, 0, 0.3] });
    const figure = figureOf(session, 'calibration(g, data, {bins: 2})') as CalibrationFigure;
    assert.equal(figure.kind, 'calibration');
    assert.deepEqual(figure.anchors, [1, 3]);
    assert.deepEqual(figure.x, [0.8, 0.3]);
    close(figure.y[0], 0.5);
    close(figure.y[1], sigma(5));
    // Bins [0, 0.5) and [0.5, 1]: one positive each.
    assert.deepEqual(figure.reliability?.x, [0.3, 0.8]);
    close(figure.reliability?.y[0] ?? NaN, sigma(5));
    assert.deepEqual(figure.reliability?.counts, [1, 1]);
  });

  it('background-first picks class label − 1; bins 0 drops the curve', () => {
    const session = sidesSession();
    session.scope.set('g', { score: [0.8, 0.6, 0.3] });
    const figure = figureOf(session, 'calibration(g, data, {background: "first", bins: 0})') as CalibrationFigure;
    assert.deepEqual(figure.anchors, [2, 3]);
    close(figure.y[0], sigma(1));
    close(figure.y[1], sigma(5));
    assert.equal(figure.reliability, undefined);
  });

  it('stays finite at logits of ±1000 and names mismatches', () => {
    const session = new Session();
    session.scope.set('d', { cls: [[1000, 0], [-1000, 0]], labels: [0, 0] });
    session.scope.set('g', { score: [1, 0] });
    assert.deepEqual((figureOf(session, 'calibration(g, d)') as CalibrationFigure).y, [1, 0]);
    session.scope.set('short', { score: [1] });
    assert.match(errorOf(session, 'calibration(short, d)'), /g\.score/);
  });
});

describe('detector views on a real gfl(…) result', () => {
  it('the anchor map of the total adds up to the loss, and the worst anchor is the largest cell', () => {
    const session = sidesSession();
    session.runCell('r = gfl(data, {stride: 8, reg_max: 3})');
    const map = figureOf(session, 'anchor_map(r, data, {stride: 8})') as AnchorMapFigure;
    const cells = map.z.flat().filter((z): z is number => z !== null);
    const loss = (session.scope.get('r') as { loss: number }).loss;
    close(cells.reduce((a, b) => a + b, 0), loss, 1e-12);
    const table = figureOf(session, 'worst_anchors(r, {k: 1})') as TableFigure;
    assert.equal(table.rows[0][1], Math.max(...cells));
    const calibration = figureOf(session, 'calibration(r, data)') as CalibrationFigure;
    assert.deepEqual(calibration.anchors, [1, 3]);
    close(calibration.y[0], 0.5);
  });
});

describe('margins_plot', () => {
  it('draws the four target-logit curves over θ ∈ [0, π] with their margins', () => {
    const curves = figureOf(new Session(), 'margins_plot({m_arc: 0.4, m_cos: 0.3, m_sphere: 3, points: 101, grad: true})') as CurvesFigure;
    assert.equal(curves.series.length, 4);
    assert.equal(curves.x.length, 101);
    close(curves.x[100], Math.PI);
    const forms = [(t: number) => Math.cos(t), (t: number) => Math.cos(t + 0.4), (t: number) => Math.cos(t) - 0.3, (t: number) => Math.cos(3 * t)];
    curves.series.forEach((series, k) => {
      curves.x.forEach((t, i) => {
        close(series.y[i], forms[k](t), 1e-14);
        const h = 1e-6;
        close(series.grad?.[i] ?? NaN, (forms[k](t + h) - forms[k](t - h)) / (2 * h), 1e-8);
      });
    });
    assert.match(curves.series[1].name, /ArcFace cos\(θ \+ 0\.4\)/);
  });

  it('carries sliders for the margins and a source that recomputes with their values', () => {
    const curves = figureOf(new Session(), 'margins_plot()') as CurvesFigure;
    assert.deepEqual(curves.sliders?.map((s) => [s.name, s.value]), [['m_arc', 0.5], ['m_cos', 0.35], ['m_sphere', 4]]);
    assert.ok(curves.source !== undefined);
    // Run the recorded statement elsewhere with a moved slider, as the webview does.
    const elsewhere = new Session();
    for (const [name, value] of Object.entries(curves.source.bindings)) elsewhere.scope.set(name, value);
    elsewhere.scope.set('m_arc', 0.2);
    const moved = figureOf(elsewhere, curves.source.statement) as CurvesFigure;
    moved.x.forEach((t, i) => close(moved.series[1].y[i], Math.cos(t + 0.2), 1e-14));
    moved.x.forEach((t, i) => close(moved.series[2].y[i], Math.cos(t) - 0.35, 1e-14));
    assert.equal(moved.x.length, curves.x.length);
    assert.equal((figureOf(new Session(), 'margins_plot({sliders: false})') as CurvesFigure).sliders, undefined);
  });

  it('names bad options', () => {
    const session = new Session();
    assert.match(errorOf(session, 'margins_plot({m_arc: NaN})'), /m_arc/);
    assert.match(errorOf(session, 'margins_plot({points: 1})'), /points/);
    assert.match(errorOf(session, 'margins_plot({margin: 1})'), /options\.margin/);
  });
});

describe('one indexing rule: a position a view shows is the one a cell indexes with', () => {
  it("worst_anchors' anchor, pasted into r.per_anchor.x[i] and sides(data, i), is that anchor", () => {
    const session = sidesSession();
    session.runCell('r = gfl(data, {stride: 8, reg_max: 3})');
    for (const by of ['cls', 'bbox', 'dfl', 'total']) {
      const table = figureOf(session, `worst_anchors(r, {by: "${by}", k: 3})`) as TableFigure;
      for (const row of table.rows) {
        const i = row[0] as number;
        session.runCell(`picked = [r.per_anchor.cls[${i}], r.per_anchor.bbox[${i}], r.per_anchor.dfl[${i}]];`);
        const picked = (session.scope.get('picked') as { valueOf(): number[] }).valueOf();
        assert.deepEqual(picked, [row[2], row[3], row[4]]);
        close(picked[0] + picked[1] + picked[2], row[1] as number);
        assert.match((figureOf(session, `sides(data, ${i}, {stride: 8})`) as DistributionGridFigure).title ?? '', new RegExp(`^Anchor ${i} `));
      }
    }
  });

  it("a table's index column and a matrix heatmap's axes are 1-based positions", () => {
    const session = new Session();
    session.runCell('m = [5, 1; 7, 3; 6, 9]');
    const table = figureOf(session, 'table(m, {by: "c0", k: 3})') as TableFigure;
    // Column c0 is 5, 7, 6: largest first are rows 2, 3, 1, and m[i, 1] gives each back.
    assert.deepEqual(table.rows.map((r) => r[0]), [2, 3, 1]);
    for (const row of table.rows) {
      session.runCell(`picked = m[${row[0] as number}, 1];`);
      assert.equal(session.scope.get('picked'), row[1]);
    }
    const heatmap = figureOf(session, 'heatmap(m)') as FigureSpec & { x: number[]; y: number[]; z: number[][] };
    assert.deepEqual(heatmap.x, [1, 2]);
    assert.deepEqual(heatmap.y, [1, 2, 3]);
  });
});
