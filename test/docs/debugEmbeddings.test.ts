import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseNotebook } from '../../src/core/notebook/format';
import { valueToTensor } from '../../src/core/language/values';
import { createNodeSession } from '../../src/node/session';

/*
 * samples/debug-embeddings.lossnb runs cell by cell without an error, and what its prose claims of
 * the bundled export (data/embedding-export.npz) holds when computed here by definition, loop by
 * loop, rather than read from the views it describes.
 */
const notebook = parseNotebook(readFileSync('samples/debug-embeddings.lossnb', 'utf8'));
const session = createNodeSession('samples', { pool: null });
const outputs = notebook.cells.filter((cell) => cell.kind === 'code').map((cell) => session.runCell(cell.source));
const prose = notebook.cells
  .filter((cell) => cell.kind === 'markdown')
  .map((cell) => cell.source)
  .join('\n')
  .replace(/\s+/g, ' ');

const tensor = (name: string) => valueToTensor('test', name, session.scope.get(name));
const emb = tensor('emb');
const W = tensor('W');
const labels = tensor('labels').data;
const [B, d] = emb.shape;
const C = W.shape[1];

/** The cosine between row i of emb and column c of W. */
function targetCosine(i: number, c: number): number {
  let dot = 0;
  let xx = 0;
  let ww = 0;
  for (let k = 0; k < d; k++) {
    const [x, w] = [emb.data[i * d + k], W.data[k * C + c]];
    dot += x * w;
    xx += x * x;
    ww += w * w;
  }
  return dot / Math.sqrt(xx * ww);
}

describe('samples/debug-embeddings.lossnb', () => {
  it('runs every code cell without an error', () => {
    const errors = outputs.flat().filter((output) => output.kind === 'error');
    assert.deepEqual(errors, []);
    assert.equal(outputs.length, 10);
  });

  it("names the rows past π − m that the angles say, and angle_hist lists the same", () => {
    const past: number[] = [];
    for (let i = 0; i < B; i++) if (Math.acos(targetCosine(i, labels[i])) > Math.PI - 0.5) past.push(i + 1);
    assert.deepEqual(past, [21, 62]);
    assert.match(prose, /rows 21 and 62 are/);
    const cell = notebook.cells.filter((c) => c.kind === 'code').findIndex((c) => c.source.includes('angle_hist('));
    const figure = outputs[cell].find((output) => output.kind === 'figure');
    assert.ok(figure !== undefined && figure.kind === 'figure');
    assert.match(figure.markdown, /2 of 96 samples past π − m/);
    assert.match(figure.markdown, /\b62 \(/);
    assert.match(figure.markdown, /\b21 \(/);
  });

  it('names the most similar pair of class centres, with its cosine', () => {
    let best = { a: -1, b: -1, cos: -Infinity };
    for (let a = 0; a < C; a++) {
      for (let b = a + 1; b < C; b++) {
        let [dot, aa, bb] = [0, 0, 0];
        for (let k = 0; k < d; k++) {
          const [x, y] = [W.data[k * C + a], W.data[k * C + b]];
          dot += x * y;
          aa += x * x;
          bb += y * y;
        }
        const cos = dot / Math.sqrt(aa * bb);
        if (cos > best.cos) best = { a, b, cos };
      }
    }
    assert.deepEqual([best.a, best.b], [4, 9]);
    assert.match(prose, new RegExp(`Classes 4 and 9 share a direction \\(cos ≈ ${best.cos.toFixed(2)}, ${Math.round((Math.acos(best.cos) * 180) / Math.PI)}°\\)`));
  });

  it('the mislabelled rows are the ones the prose places in classes 2 and 7', () => {
    assert.deepEqual([labels[20], labels[61]], [2, 7]);
    assert.match(prose, /class 7 is spread out and holds the mislabelled row 62, class 2 holds row 21/);
  });

  it("section 6's other pml miners count, by definition, what the cell shows (the screened route on the export)", () => {
    const unit = Array.from({ length: B }, (_, i) => {
      const row = Array.from(emb.data.subarray(i * d, (i + 1) * d));
      const length = Math.hypot(...row);
      return row.map((v) => v / length);
    });
    const cosine = (i: number, j: number): number => unit[i].reduce((sum, v, q) => sum + v * unit[j][q], 0);
    const dist = (i: number, j: number): number => Math.hypot(...unit[i].map((v, q) => v - unit[j][q]));
    let [msPos, msNeg, pmPos, pmNeg] = [0, 0, 0, 0];
    for (let a = 0; a < B; a++) {
      const positives = [...Array(B).keys()].filter((j) => j !== a && labels[j] === labels[a]);
      const negatives = [...Array(B).keys()].filter((j) => labels[j] !== labels[a]);
      // MultiSimilarityMiner(ε = 0.1), cosine: positives below the hardest negative + ε, negatives above the hardest positive − ε.
      const hardestNegative = Math.max(...negatives.map((j) => cosine(a, j)));
      const hardestPositive = Math.min(...positives.map((j) => cosine(a, j)));
      msPos += positives.filter((j) => cosine(a, j) - 0.1 < hardestNegative).length;
      msNeg += negatives.filter((j) => cosine(a, j) + 0.1 > hardestPositive).length;
      // PairMarginMiner(0.2, 0.8) on normalised L2.
      pmPos += positives.filter((j) => dist(a, j) > 0.2).length;
      pmNeg += negatives.filter((j) => dist(a, j) < 0.8).length;
    }
    const cell = notebook.cells.filter((c) => c.kind === 'code').findIndex((c) => c.source.includes('miner: "pair_margin"'));
    const shown = outputs[cell].filter((output) => output.kind === 'value').at(-1);
    assert.ok(shown !== undefined && shown.kind === 'value');
    assert.match(shown.markdown, new RegExp(`\\[${B}, ${msPos}, ${msNeg}, ${pmPos}, ${pmNeg}\\]`));
  });

  it("counts the projection's triplets at margin 0.2 as the prose says, and rows 21 and 62 sit in most of the 300 drawn", () => {
    // pml's default distance, by definition: Euclidean between L2-normalised rows.
    const unit = Array.from({ length: B }, (_, i) => {
      const row = Array.from(emb.data.subarray(i * d, (i + 1) * d));
      const length = Math.hypot(...row);
      return row.map((v) => v / length);
    });
    const dist = (i: number, j: number): number => Math.hypot(...unit[i].map((v, q) => v - unit[j][q]));
    const triplets: { rows: number[]; m: number }[] = [];
    for (let a = 0; a < B; a++) {
      for (let p = 0; p < B; p++) {
        if (p === a || labels[p] !== labels[a]) continue;
        for (let n = 0; n < B; n++) if (labels[n] !== labels[a]) triplets.push({ rows: [a + 1, p + 1, n + 1], m: dist(a, n) - dist(a, p) });
      }
    }
    const hard = triplets.filter((t) => t.m <= 0).length;
    const semihard = triplets.filter((t) => t.m > 0 && t.m <= 0.2).length;
    assert.match(prose, new RegExp(`the 300 hardest of its ${triplets.length} triplets`));
    assert.match(prose, new RegExp(`${semihard} semi-hard and ${hard} hard`));
    // Stable sort: ties keep the (a, p, n) order, as the view draws them.
    const drawn = triplets.slice().sort((x, y) => x.m - y.m).slice(0, 300);
    const seen = new Map<number, number>();
    for (const t of drawn) for (const row of new Set(t.rows)) seen.set(row, (seen.get(row) ?? 0) + 1);
    const most = [...seen.entries()].sort((x, y) => y[1] - x[1]).map(([row]) => row);
    assert.deepEqual(most.slice(0, 2).sort((x, y) => x - y), [21, 62]);
    assert.ok(drawn.every((t) => t.m <= 0));
    assert.match(prose, /The hardest are all hard here/);
    const withEither = drawn.filter((t) => t.rows.includes(21) || t.rows.includes(62)).length;
    assert.ok(withEither > drawn.length / 2, `${withEither} of ${drawn.length}`);
    assert.match(prose, /The mislabelled rows 21 and 62 sit in most of the drawn triplets/);
    const cell = notebook.cells.filter((c) => c.kind === 'code').findIndex((c) => c.source.includes('triplet_projection('));
    const figure = outputs[cell].find((output) => output.kind === 'figure');
    assert.ok(figure !== undefined && figure.kind === 'figure');
    assert.match(figure.markdown, new RegExp(`hard ${hard} · semi-hard ${semihard} · easy ${triplets.length - hard - semihard} of ${triplets.length} at margin 0\\.2`));
  });
});
