import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Session } from '../../../src/core/language/session';
import { variableRow, variableRows } from '../../../src/extension/variables/variableRows';

describe('Variables view rows', () => {
  it('a tensor shows kind, shape, dtype and min/mean/max, hand-computed from a scope', () => {
    const session = new Session();
    session.runCell('x = [[1, 2, 3], [4, 5, 0/0]]\nn = 0.25\nflag = true\nname = "qfl"\nf(t) = t^2\nr = {loss: 0.5, n: 3}');
    const rows = variableRows(session.variables());
    // Sorted by name; functions are not variables.
    assert.deepEqual(rows.map((r) => r.name), ['flag', 'n', 'name', 'r', 'x']);
    const x = rows.find((r) => r.name === 'x');
    // Finite values 1..5: min 1, mean 15 / 5 = 3, max 5; one NaN.
    assert.equal(x?.description, 'tensor (2, 3) float64 · min 1 · mean 3 · max 5 · 1 NaN');
    assert.deepEqual(x?.details.slice(0, 7), [
      ['kind', 'tensor'],
      ['shape', '(2, 3)'],
      ['dtype', 'float64'],
      ['min', '1'],
      ['mean', '3'],
      ['max', '5'],
      ['NaN', '1'],
    ]);
    assert.equal(rows.find((r) => r.name === 'n')?.description, 'number 0.25');
    assert.equal(rows.find((r) => r.name === 'flag')?.description, 'boolean true');
    assert.equal(rows.find((r) => r.name === 'name')?.description, 'string "qfl"');
    assert.equal(rows.find((r) => r.name === 'r')?.description, 'object {loss: 0.5, n: 3}');
  });

  it('an empty tensor has no statistics, a float32 one names its dtype, and large or tiny numbers print in exponent form', () => {
    assert.equal(variableRow('e', { kind: 'tensor', shape: [0, 4], dtype: 'float64', nanCount: 0, preview: '[]' }).description, 'tensor (0, 4) float64 · empty');
    const small = variableRow('g', { kind: 'tensor', shape: [30], dtype: 'float32', min: -2.5e-7, mean: 1e-5, max: 3_141_592.65, nanCount: 0, preview: '[…]' });
    assert.equal(small.description, 'tensor (30) float32 · min -2.5e-7 · mean 1e-5 · max 3.14159e+6');
    assert.match(small.tooltip, /^`g` = tensor \(30\) float32/);
  });

  it('the same scope gives the same rows whatever order the kernel lists it in', () => {
    const a = { kind: 'number', preview: '1' } as const;
    const b = { kind: 'number', preview: '2' } as const;
    assert.deepEqual(variableRows([{ name: 'b', summary: b }, { name: 'a', summary: a }]), variableRows([{ name: 'a', summary: a }, { name: 'b', summary: b }]));
  });
});
