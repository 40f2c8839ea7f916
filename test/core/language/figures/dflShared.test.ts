import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { binCount, type BinConvention } from '../../../../src/core/distributions';
import type { DistributionFigure } from '../../../../src/core/figures/spec';
import { Session } from '../../../../src/core/language/session';

/**
 * The DFL cases shared with the Python package (test/fixtures/dfl-shared-cases.json, written by
 * scripts/fixtures/make_dfl_shared_cases.py from the PyTorch fixtures and closed forms):
 * a cell's `dist(logits, target)` figure must give their expectation, bins, weights and loss.
 * python/tests/test_values.py checks `losslab.dist` against the same file.
 */

interface SharedCase {
  readonly name: string;
  readonly logits: number[];
  readonly target: number;
  readonly reg_max: number;
  readonly convention: BinConvention;
  readonly expected: Partial<Record<'expectation' | 'loss' | 'left' | 'right' | 'weightLeft' | 'weightRight' | 'entropyFloor', number>> & { probabilities?: number[] };
}

const shared = JSON.parse(readFileSync('test/fixtures/dfl-shared-cases.json', 'utf8')) as { tolerance: number; cases: SharedCase[] };
const close = (got: number | undefined, want: number, what: string): void =>
  assert.ok(got !== undefined && Math.abs(got - want) <= shared.tolerance * (1 + Math.abs(want)), `${what}: got ${got}, want ${want}`);

describe('dist on the DFL cases shared with the Python package', () => {
  it('has both PyTorch rows and closed forms', () => {
    assert.ok(shared.cases.length >= 10);
    assert.ok(shared.cases.some((c) => c.convention === 'ultralytics'));
  });
  for (const c of shared.cases) {
    it(c.name, () => {
      assert.equal(binCount({ regMax: c.reg_max, convention: c.convention }), c.logits.length);
      const outputs = new Session().runCell(`dist(${JSON.stringify(c.logits)}, ${c.target})`);
      const figure = outputs.find((o) => o.kind === 'figure');
      assert.ok(figure !== undefined && figure.kind === 'figure', JSON.stringify(outputs));
      const spec = figure.spec as DistributionFigure;
      const { expected } = c;
      if (expected.expectation !== undefined) close(spec.expectation, expected.expectation, 'expectation');
      if (expected.loss !== undefined) close(spec.loss, expected.loss, 'loss');
      if (expected.entropyFloor !== undefined) close(spec.entropyFloor, expected.entropyFloor, 'entropyFloor');
      for (const key of ['left', 'right', 'weightLeft', 'weightRight'] as const) {
        if (expected[key] !== undefined) close(spec.target?.[key], expected[key], key);
      }
      expected.probabilities?.forEach((p, i) => close(spec.probabilities[i], p, `probabilities[${i}]`));
    });
  }
});
