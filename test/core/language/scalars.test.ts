import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SCALAR_FUNCTIONS, SCALAR_FUNCTIONS_BY_NAME } from '../../../src/core/language/scalars';
import { Session } from '../../../src/core/language/session';

const value = (name: string, args: unknown[]): number => SCALAR_FUNCTIONS_BY_NAME.get(name)!.evaluate(args).value;
const partials = (name: string, args: unknown[]): (number | null)[] => SCALAR_FUNCTIONS_BY_NAME.get(name)!.evaluate(args).partials;
const close = (got: number, want: number, tol = 1e-12): void => assert.ok(Math.abs(got - want) <= tol * (1 + Math.abs(want)), `got ${got}, want ${want}`);

/** Central difference of one argument of a scalar form. */
function fd(name: string, args: number[], i: number, h = 1e-6): number {
  const plus = [...args];
  const minus = [...args];
  plus[i] += h;
  minus[i] -= h;
  return (value(name, plus) - value(name, minus)) / (2 * h);
}

describe('scalar forms', () => {
  it('each one is callable from a cell with its documented arity', () => {
    const session = new Session();
    const calls: Record<string, string> = {
      sigmoid: 'sigmoid(0.3)',
      softplus: 'softplus(0.3)',
      logsigmoid: 'logsigmoid(0.3)',
      qfl: 'qfl(0.3, 0.7)',
      focal: 'focal(0.3, 1)',
      dfl: 'dfl([0.1, 2, 0.3], 0.6)',
      arcface_logit: 'arcface_logit(1, 0.5)',
      triplet_hinge: 'triplet_hinge(1, 0.5)',
    };
    for (const scalar of SCALAR_FUNCTIONS) {
      const outputs = session.runCell(`r = ${calls[scalar.name]}`);
      assert.equal(outputs[0]?.kind, 'value', scalar.name);
      assert.equal(typeof session.scope.get('r'), 'number', scalar.name);
    }
  });

  it('qfl(σ, y, β) = BCE(σ, y)·|y − σ|^β, β defaulting to 2, with its three partials', () => {
    const bce = (s: number, y: number): number => -y * Math.log(s) - (1 - y) * Math.log(1 - s);
    close(value('qfl', [0.3, 0.7]), bce(0.3, 0.7) * 0.4 ** 2);
    close(value('qfl', [0.3, 0.7, 0.5]), bce(0.3, 0.7) * 0.4 ** 0.5);
    const args = [0.3, 0.7, 1.5];
    partials('qfl', args).forEach((p, i) => close(p!, fd('qfl', args, i), 1e-7));
    // σ at 0 or 1: BCE's log clamps at −100 keep the value finite.
    assert.equal(value('qfl', [0, 1, 2]), 100);
  });

  it('focal(p, y, α, γ) = −α_t (1 − p_t)^γ log p_t', () => {
    close(value('focal', [0.3, 1]), -0.25 * 0.7 ** 2 * Math.log(0.3));
    close(value('focal', [0.3, 0, 0.25, 2]), -0.75 * 0.3 ** 2 * Math.log(0.7));
    close(value('focal', [0.3, 1, -1, 0]), -Math.log(0.3));
    close(partials('focal', [0.3, 1])[0]!, fd('focal', [0.3, 1], 0), 1e-7);
    assert.deepEqual(partials('focal', [0.3, 1]).slice(1), [null, null, null]);
  });

  it('dfl(z, y) is the interpolated cross-entropy, clamped beyond the last bin', () => {
    const z = [0.1, 2, 0.3];
    const lse = Math.log(z.reduce((s, v) => s + Math.exp(v), 0));
    close(value('dfl', [z, 0.6]), 0.4 * (lse - z[0]) + 0.6 * (lse - z[1]));
    close(partials('dfl', [z, 0.6])[1]!, z[0] - z[1]);
    assert.equal(partials('dfl', [z, 5])[1], 0, 'a clamped target does not move');
    assert.ok(Number.isFinite(value('dfl', [[1000, -1000, 0], 2])));
  });

  it('arcface_logit, triplet_hinge and the activations at ±1000', () => {
    close(value('arcface_logit', [1, 0.5]), Math.cos(1.5));
    assert.deepEqual([value('triplet_hinge', [1, 0.5]), value('triplet_hinge', [1, 3, 0.5])], [1.5, 0]);
    assert.deepEqual([value('sigmoid', [1000]), value('sigmoid', [-1000])], [1, 0]);
    assert.deepEqual([value('softplus', [1000]), value('softplus', [-1000])], [1000, 0]);
    assert.deepEqual([value('logsigmoid', [-1000]), partials('logsigmoid', [-1000])[0]], [-1000, 1]);
    assert.deepEqual(partials('sigmoid', [1000]), [0]);
  });

  it('a non-number argument is a TypeError naming the argument', () => {
    assert.throws(() => value('qfl', ['a', 1]), /qfl: argument 1 \(sigma\) should be a number/);
    assert.throws(() => value('dfl', [[1, 'a'], 1]), /dfl: logits should be a vector of numbers/);
  });
});
