import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNumber } from '../../src/core/numberFormat';

describe('formatNumber', () => {
  it('prints integers exactly, up to 10^15', () => {
    for (const [x, text] of [[0, '0'], [-0, '0'], [7, '7'], [-42, '-42'], [1234567, '1234567'], [999_999_999_999_999, '999999999999999']] as const) {
      assert.equal(formatNumber(x), text);
    }
    assert.equal(formatNumber(1e15), '1e+15');
  });

  it('keeps 6 significant digits of other numbers, trailing zeros dropped', () => {
    assert.equal(formatNumber(1 / 3), '0.333333');
    assert.equal(formatNumber(2.5), '2.5');
    assert.equal(formatNumber(-0.1 - 0.2), '-0.3');
    assert.equal(formatNumber(123456.789), '123457');
    assert.equal(formatNumber(Math.PI * 100), '314.159');
    assert.equal(formatNumber(0.0001), '0.0001');
  });

  it('takes the exponent form outside [1e-4, 1e6) with the same digits', () => {
    assert.equal(formatNumber(1e-7), '1e-7');
    assert.equal(formatNumber(-2.5e-7), '-2.5e-7');
    assert.equal(formatNumber(0.000099999949), '9.99999e-5');
    assert.equal(formatNumber(Math.PI * 1e6), '3.14159e+6');
    assert.equal(formatNumber(1e6 + 0.5), '1e+6');
  });

  it('reads back to within half a unit of the 6th digit', () => {
    for (const x of [1 / 7, -Math.E * 1e-9, 6.02214076e23 + 0.5, 0.999_999_7, 12.345_65]) {
      const back = Number(formatNumber(x));
      assert.ok(Math.abs(back - x) <= Math.abs(x) * 5e-6, `${x} → ${formatNumber(x)}`);
    }
  });

  it('names NaN and the infinities', () => {
    assert.equal(formatNumber(Number.NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '∞');
    assert.equal(formatNumber(-Infinity), '−∞');
  });
});
