import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { simdProductColumnsInto, simdProductInto } from '../../../src/core/simd/gemm';
import { seededRandom } from '../../helpers/random';

/** out(i,j) = Σₚ Â(i,p)·B̂(p,j) by the textbook loop, with Σₚ |Â(i,p)|·|B̂(p,j)| for error bounds. */
function naive(m: number, k: number, n: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number) {
  const value = new Float64Array(m * n);
  const magnitude = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        sum += a(i, p) * b(p, j);
        abs += Math.abs(a(i, p) * b(p, j));
      }
      value[i * n + j] = sum;
      magnitude[i * n + j] = abs;
    }
  }
  return { value, magnitude };
}

function uniform(length: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  return Float64Array.from({ length }, () => 2 * random() - 1);
}

/** The three layouts the losses use: A·B, Aᵀ·B (A stored (K,M)) and A·Bᵀ (B stored (N,K)). */
const layouts = ['AB', 'AtB', 'ABt'] as const;

function run(layout: (typeof layouts)[number], precision: 'float64' | 'float32', m: number, k: number, n: number, seed: number) {
  const a = uniform(m * k, seed);
  const b = uniform(k * n, seed + 1);
  const out = new Float64Array(m * n).fill(7); // stale contents must be overwritten
  if (layout === 'AB') {
    simdProductInto(precision, a, k, 1, b, n, 1, out, m, k, n);
    return { out, want: naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]) };
  }
  if (layout === 'AtB') {
    simdProductInto(precision, a, 1, m, b, n, 1, out, m, k, n);
    return { out, want: naive(m, k, n, (i, p) => a[p * m + i], (p, j) => b[p * n + j]) };
  }
  simdProductInto(precision, a, k, 1, b, 1, k, out, m, k, n);
  return { out, want: naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[j * k + p]) };
}

/**
 * float64: the SIMD sum differs from the loop's only in order, so |Δ| ≤ 2k·2⁻⁵³·Σ|aᵢbᵢ|, far inside
 * the 1e-9 relative promise. float32: rounding both operands to float32 and summing in float32
 * bounds the error by (k + 2)·2⁻²⁴·Σ|aᵢbᵢ| (Higham's γ_k): the tolerance docs/performance.md states.
 */
function assertWithin(label: string, out: Float64Array, want: { value: Float64Array; magnitude: Float64Array }, k: number, precision: string) {
  const unit = precision === 'float64' ? 2 ** -53 : 2 ** -24;
  for (let i = 0; i < out.length; i++) {
    const bound = (2 * k + 2) * unit * want.magnitude[i] + 1e-300;
    const error = Math.abs(out[i] - want.value[i]);
    assert.ok(error <= bound, `${label}[${i}]: got ${out[i]}, want ${want.value[i]} (error ${error} > ${bound})`);
    if (precision === 'float64') assert.ok(error <= 1e-9 * Math.abs(want.value[i]) + 1e-15 * want.magnitude[i], `${label}[${i}] beyond 1e-9 relative`);
  }
}

describe('simdProductInto', () => {
  for (const precision of ['float64', 'float32'] as const) {
    it(`${precision}: every layout matches the triple loop on small shapes, empty extents included`, () => {
      const dims = fc.record({
        m: fc.integer({ min: 0, max: 13 }),
        k: fc.integer({ min: 0, max: 13 }),
        n: fc.integer({ min: 0, max: 13 }),
        seed: fc.integer({ min: 1, max: 1e6 }),
        layout: fc.constantFrom(...layouts),
      });
      fc.assert(
        fc.property(dims, ({ m, k, n, seed, layout }) => {
          const { out, want } = run(layout, precision, m, k, n, seed);
          assertWithin(`${layout} ${m}×${k}×${n}`, out, want, k, precision);
        }),
        { numRuns: 150 },
      );
    });

    it(`${precision}: matches across every block boundary (depth 256, rows 64 and 1024, columns 1024)`, () => {
      for (const layout of layouts) {
        const { out, want } = run(layout, precision, 1031, 261, 9, 3);
        assertWithin(layout, out, want, 261, precision);
      }
      const { out, want } = run('AB', precision, 70, 5, 1029, 4);
      assertWithin('wide', out, want, 5, precision);
    });
  }

  it('packed A kept across column slabs (columns > 1024, two depth and two row blocks)', () => {
    for (const [layout, precision] of [['AB', 'float64'], ['AtB', 'float32']] as const) {
      const { out, want } = run(layout, precision, 66, 257, 1027, 5);
      assertWithin(`${layout} kept`, out, want, 257, precision);
    }
  });

  it('any strides: operands with neither stride 1 are staged element by element', () => {
    const [m, k, n] = [9, 19, 13];
    // Â(i, p) = a[2k·i + 2p] and B̂(p, j) = b[3p + 3k·j]: every other, every third element.
    const a = uniform(2 * m * k, 11);
    const b = uniform(3 * k * n, 12);
    for (const precision of ['float64', 'float32'] as const) {
      const out = new Float64Array(m * n);
      simdProductInto(precision, a, 2 * k, 2, b, 3, 3 * k, out, m, k, n);
      assertWithin(`strided ${precision}`, out, naive(m, k, n, (i, p) => a[2 * k * i + 2 * p], (p, j) => b[3 * p + 3 * k * j]), k, precision);
    }
  });

  it('column ranges give the bits of the whole product, with A kept or not', () => {
    const [m, k, n] = [13, 300, 2100];
    const a = uniform(m * k, 13);
    const b = uniform(k * n, 14);
    for (const precision of ['float64', 'float32'] as const) {
      const whole = new Float64Array(m * n);
      simdProductColumnsInto(precision, a, k, 1, b, n, 1, whole, m, k, n, 0, n);
      const parts = new Float64Array(m * n);
      for (const [c0, c1] of [[0, 7], [7, 1100], [1100, n]]) simdProductColumnsInto(precision, a, k, 1, b, n, 1, parts, m, k, n, c0, c1);
      assert.deepEqual(parts, whole);
    }
  });

  it('float32 reads Float32Array operands in place, converting the float64 ones', () => {
    const [m, k, n] = [6, 37, 11];
    const a = Float32Array.from(uniform(m * k, 8));
    const b = uniform(k * n, 9);
    const out = new Float64Array(m * n);
    simdProductInto('float32', a, k, 1, b, n, 1, out, m, k, n);
    const want = naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]);
    assertWithin('mixed', out, want, k, 'float32');
  });

  it('computes exact products exactly: small integers are exact in float32 and float64', () => {
    const [m, k, n] = [9, 40, 13];
    const a = Float64Array.from({ length: m * k }, (_, i) => (i % 7) - 3);
    const b = Float64Array.from({ length: k * n }, (_, i) => (i % 5) - 2);
    const want = naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]).value;
    for (const precision of ['float64', 'float32'] as const) {
      const out = new Float64Array(m * n);
      simdProductInto(precision, a, k, 1, b, n, 1, out, m, k, n);
      assert.deepEqual(out, want);
    }
  });
});
