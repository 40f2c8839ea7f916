import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Session } from '../../src/core/language/session';
import { parseNotebook } from '../../src/core/notebook/format';

const tour = parseNotebook(readFileSync('samples/triplet-tour.lossnb', 'utf8'));
const censusCell = tour.cells.findIndex((cell) => cell.kind === 'code' && /census\(/.test(cell.source));

/** The census by its definition, one loop per triplet, with Euclidean distances. */
function bruteForceCensus(points: number[][], labels: number[], margin: number) {
  const d = (i: number, j: number) => Math.hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]);
  const counts = { valid: 0, easy: 0, semihard: 0, hard: 0, positive: 0 };
  for (let a = 0; a < points.length; a++) {
    for (let p = 0; p < points.length; p++) {
      if (p === a || labels[p] !== labels[a]) continue;
      for (let n = 0; n < points.length; n++) {
        if (labels[n] === labels[a]) continue;
        counts.valid++;
        const [ap, an] = [d(a, p), d(a, n)];
        if (an > ap + margin) counts.easy++;
        else if (an >= ap) counts.semihard++;
        else counts.hard++;
        if (ap - an + margin > 0) counts.positive++;
      }
    }
  }
  return counts;
}

describe('samples/triplet-tour.lossnb', () => {
  const emb = [[0, 0], [0.4, 0.2], [0.1, 0.6], [1.2, 0.1], [1.5, 0.5], [1.1, -0.3], [0.5, 1.3], [0.9, 1.2]];
  const lab = [0, 0, 0, 1, 1, 1, 2, 2];
  const expected = bruteForceCensus(emb, lab, 0.3);

  it('the census cell shows the counts, each as counted triplet by triplet', () => {
    assert.ok(censusCell >= 0);
    const source = tour.cells[censusCell].source;
    assert.ok(source.includes('emb = [0, 0; 0.4, 0.2; 0.1, 0.6; 1.2, 0.1; 1.5, 0.5; 1.1, -0.3; 0.5, 1.3; 0.9, 1.2]'), 'the points this test counts');
    const outputs = new Session().runCell(source).filter((output) => output.kind === 'value');
    const last = outputs[outputs.length - 1];
    assert.ok(last !== undefined && last.kind === 'value');
    for (const [key, count] of Object.entries(expected)) assert.match(last.markdown, new RegExp(`\\b${key}: ${count}\\b`), key);
    assert.doesNotMatch(last.markdown, /true|false/);
  });

  it('the prose before it states the same counts', () => {
    const prose = tour.cells[censusCell - 1].source.replace(/\s+/g, ' ');
    assert.match(prose, new RegExp(`${expected.valid} valid triplets: ${expected.easy} easy, ${expected.semihard} semi-hard and ${expected.hard} hard`));
    assert.equal(expected.positive, expected.semihard + expected.hard, 'the prose says the non-easy ones are those with a loss');
    assert.match(prose, new RegExp(`the ${expected.positive} that are not easy`));
  });
});
