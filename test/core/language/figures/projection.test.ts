import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pca } from '../../../../src/core/embeddings/pca';
import { totalCounts } from '../../../../src/core/figures/projection';
import { isFigureSpec, type ProjectionFigure } from '../../../../src/core/figures/spec';
import { Session, type CellOutput } from '../../../../src/core/language/session';
import { makeTensor } from '../../../../src/core/tensor';
import { assertClose } from '../../../helpers/gradcheck';

/* triplet_projection, driven through a cell as a user calls it, against loops written here. */

const rows = [[1, 0.1, 0.2], [0.9, 0.3, 0.1], [1.1, -0.1, 0.3], [-0.2, 1, 0.1], [-0.1, 0.8, 0.4], [0.1, 1.1, -0.2], [-1, -0.2, 0.1], [-0.7, -0.6, 0.2], [-0.9, -0.3, 0], [-0.8, -0.4, 0.1]];
const labels = [0, 0, 0, 1, 1, 1, 2, 2, 2, 0];
const setup = `e = ${JSON.stringify(rows)}\nlabels = ${JSON.stringify(labels)}\n`;

function run(source: string): CellOutput[] {
  return new Session().runCell(setup + source);
}

function figure(source: string): { spec: ProjectionFigure; markdown: string } {
  const outputs = run(source);
  const last = outputs[outputs.length - 1] as Extract<CellOutput, { kind: 'figure' }>;
  assert.equal(last?.kind, 'figure', JSON.stringify(outputs));
  assert.ok(isFigureSpec(last.spec));
  assert.equal(last.spec.kind, 'projection');
  return { spec: last.spec as ProjectionFigure, markdown: last.markdown };
}

function errorOf(source: string): string {
  const outputs = run(source);
  const last = outputs[outputs.length - 1];
  assert.equal(last?.kind, 'error', source);
  return (last as Extract<CellOutput, { kind: 'error' }>).message;
}

const normalised = rows.map((r) => {
  const length = Math.hypot(...r);
  return r.map((v) => v / length);
});
const dist = (i: number, j: number): number => Math.hypot(...normalised[i].map((v, q) => v - normalised[j][q]));

/** Every valid triplet's signed margin d_an − d_ap on the normalised rows, as loops. */
function allMargins(): { key: number[]; m: number }[] {
  const out: { key: number[]; m: number }[] = [];
  for (let a = 0; a < rows.length; a++) {
    for (let p = 0; p < rows.length; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (let n = 0; n < rows.length; n++) if (labels[n] !== labels[a]) out.push({ key: [a, p, n], m: dist(a, n) - dist(a, p) });
    }
  }
  return out;
}

describe('triplet_projection', () => {
  it('projects the normalised embeddings on their principal axes and draws the hardest triplets, positions from 1', () => {
    const { spec } = figure('triplet_projection(e, labels, {margin: 0.2, max_triplets: 5})');
    const reference = pca(makeTensor([rows.length, 3], Float64Array.from(normalised.flat())), 2);
    assertClose('points', spec.points.flat(), reference.projected, { atol: 1e-12 });
    assertClose('explained variance', spec.explainedVariance, reference.ratio, { atol: 1e-12 });
    assert.deepEqual(spec.labels, labels);
    const all = allMargins();
    assert.equal(spec.total, all.length);
    const hardest = all.slice().sort((x, y) => x.m - y.m).slice(0, 5);
    assert.deepEqual(spec.triplets.a.map((a, k) => [a, spec.triplets.p[k], spec.triplets.n[k]]), hardest.map((h) => h.key.map((i) => i + 1)));
    hardest.forEach((h, k) => {
      assertClose(`d_ap ${k}`, [spec.triplets.ap[k]], [dist(h.key[0], h.key[1])], { atol: 1e-12 });
      assertClose(`d_an ${k}`, [spec.triplets.an[k]], [dist(h.key[0], h.key[2])], { atol: 1e-12 });
    });
  });

  it('counts all triplets at every slider step by the category inequalities, ties hard', () => {
    const { spec, markdown } = figure('triplet_projection(e, labels, {margin: 0.3, margin_max: 0.5})');
    assert.deepEqual(spec.sliders, [{ name: 'margin', min: 0, max: 0.5, step: 0.0025, value: 0.3 }]);
    const all = allMargins();
    for (const s of [0, 40, 120, 200]) {
      const margin = spec.counts.margins[s];
      assertClose('step', [margin], [s * 0.0025], { atol: 1e-12 });
      const want = {
        hard: all.filter((t) => t.m <= 0).length,
        semihard: all.filter((t) => t.m > 0 && t.m <= margin).length,
        easy: all.filter((t) => t.m > margin).length,
      };
      assert.deepEqual({ hard: spec.counts.hard[s], semihard: spec.counts.semihard[s], easy: spec.counts.easy[s] }, want, `margin ${margin}`);
    }
    const at = totalCounts(spec);
    assert.match(markdown, new RegExp(`hard ${at.hard} · semi-hard ${at.semihard} · easy ${at.easy} of ${all.length} at margin 0\\.3`));
  });

  it("draws a miner's triplets in 3-D, and cosine similarity's margin on s_ap − s_an", () => {
    const { spec } = figure('triplet_projection(e, labels, {miner: "batch_hard", distance: "cosine", dims: 3})');
    assert.equal(spec.dimensions, 3);
    assert.ok(spec.points.every((p) => p.length === 3));
    assert.equal(spec.total, rows.length);
    assert.equal(spec.inverted, true);
    assert.equal(spec.distance, 'CosineSimilarity()');
    const cos = (i: number, j: number): number => normalised[i].reduce((s, v, q) => s + v * normalised[j][q], 0);
    spec.triplets.a.forEach((a, k) => {
      assertClose('s_ap', [spec.triplets.ap[k]], [cos(a - 1, spec.triplets.p[k] - 1)], { atol: 1e-12 });
      assertClose('s_an', [spec.triplets.an[k]], [cos(a - 1, spec.triplets.n[k] - 1)], { atol: 1e-12 });
    });
    // Hardest first: s_ap − s_an ascending.
    const m = spec.triplets.ap.map((ap, k) => ap - spec.triplets.an[k]);
    assert.deepEqual(m, m.slice().sort((x, y) => x - y));
  });

  it('draws a uniform sample with draw: "sample", and says so', () => {
    const { spec, markdown } = figure('triplet_projection(e, labels, {draw: "sample", max_triplets: 20})');
    assert.equal(spec.drawn, 'sample');
    assert.equal(spec.triplets.a.length, 20);
    assert.match(markdown, /20 drawn, a uniform sample$/);
  });

  it('says what was wrong with bad input', () => {
    assert.match(errorOf('triplet_projection(e, labels, {draw: "worst"})'), /options\.draw/);
    assert.match(errorOf('triplet_projection(e, labels, {dims: 4})'), /options\.dims/);
    assert.match(errorOf('triplet_projection(e, labels, {margin_max: 0})'), /margin_max/);
    assert.match(errorOf('triplet_projection(e, labels, {miner: "pair_margin"})'), /miner/);
    assert.match(errorOf('triplet_projection([[1, 2], [3, 4]], [0, 1], {dims: 3})'), /at least 3 columns/);
    assert.match(errorOf('triplet_projection(e, [0, 1])'), /labels/);
  });
});
