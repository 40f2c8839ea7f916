import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { matmulInto, matmulTransAInto, matmulTransBInto, productColumnsInto, productOnSimd, type ProductKind, type ProductRequest } from '../../src/core/matmul';
import { allowRelaxedSimd, relaxedSimdInUse } from '../../src/core/simd/memory';
import { setKernelPath, type KernelPath } from '../../src/core/simd/path';
import { assertClose } from '../helpers/gradcheck';
import { onPath } from '../helpers/kernelPath';

/** The textbook triple loop, out(i,j) = Σₚ A(i,p)·B(p,j), with element readers for transposes. */
function naive(m: number, k: number, n: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a(i, p) * b(p, j);
      out[i * n + j] = sum;
    }
  }
  return out;
}

function random(length: number, seed: number): Float64Array {
  // A small deterministic generator so that failures reproduce from the fast-check seed alone.
  let state = seed >>> 0 || 1;
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

const dims = fc.record({ m: fc.integer({ min: 0, max: 11 }), k: fc.integer({ min: 0, max: 11 }), n: fc.integer({ min: 0, max: 11 }), seed: fc.integer() });

// Tolerances: both sides sum the same k products in a different order.
const tol = { atol: 1e-13, rtol: 1e-12 };

describe('matmul', () => {
  it('A·B matches the triple loop for small shapes, remainders and empty extents included', () => {
    fc.assert(
      fc.property(dims, ({ m, k, n, seed }) => {
        const a = random(m * k, seed);
        const b = random(k * n, seed + 1);
        const out = new Float64Array(m * n).fill(7); // stale contents must be overwritten
        matmulInto(a, b, out, m, k, n);
        assertClose('A·B', out, naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]), tol);
      }),
      { numRuns: 200 },
    );
  });

  it('Aᵀ·B matches the triple loop', () => {
    fc.assert(
      fc.property(dims, ({ m, k, n, seed }) => {
        const a = random(k * m, seed); // stored (K, M)
        const b = random(k * n, seed + 1);
        const out = new Float64Array(m * n).fill(7);
        matmulTransAInto(a, b, out, m, k, n);
        assertClose('Aᵀ·B', out, naive(m, k, n, (i, p) => a[p * m + i], (p, j) => b[p * n + j]), tol);
      }),
      { numRuns: 200 },
    );
  });

  it('A·Bᵀ matches the triple loop', () => {
    fc.assert(
      fc.property(dims, ({ m, k, n, seed }) => {
        const a = random(m * k, seed);
        const b = random(n * k, seed + 1); // stored (N, K)
        const out = new Float64Array(m * n).fill(7);
        matmulTransBInto(a, b, out, m, k, n);
        assertClose('A·Bᵀ', out, naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[j * k + p]), tol);
      }),
      { numRuns: 200 },
    );
  });

  it('all three agree with the triple loop across cache-block boundaries', () => {
    // Extents past every block size (512 columns, 128 and 256 depths, 64 rows), none a multiple of 4.
    const [m, k, n] = [67, 263, 521];
    const a = random(m * k, 3);
    const b = random(k * n, 4);
    const out = new Float64Array(m * n);
    matmulInto(a, b, out, m, k, n);
    assertClose('A·B', out, naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]), tol);
    const at = random(k * m, 5);
    const outA = new Float64Array(m * n);
    matmulTransAInto(at, b, outA, m, k, n);
    assertClose('Aᵀ·B', outA, naive(m, k, n, (i, p) => at[p * m + i], (p, j) => b[p * n + j]), tol);
    const bt = random(n * k, 6);
    matmulTransBInto(a, bt, out, m, k, n);
    assertClose('A·Bᵀ', out, naive(m, k, n, (i, p) => a[i * k + p], (p, j) => bt[j * k + p]), tol);
  });

  it('has the identity as a neutral element and zero as an absorbing one', () => {
    const n = 9;
    const eye = new Float64Array(n * n);
    for (let i = 0; i < n; i++) eye[i * n + i] = 1;
    const a = random(5 * n, 11);
    const out = new Float64Array(5 * n);
    matmulInto(a, eye, out, 5, n, n);
    assertClose('A·I', out, a, { atol: 0, rtol: 0 });
    matmulTransBInto(a, eye, out, 5, n, n);
    assertClose('A·Iᵀ', out, a, { atol: 0, rtol: 0 });
    matmulInto(a, new Float64Array(n * n), out, 5, n, n);
    assertClose('A·0', out, new Float64Array(5 * n), { atol: 0, rtol: 0 });
  });
});

// The same checks with each implementation forced, so that neither hides behind `auto`'s size
// threshold: the WebAssembly SIMD kernels (./simd/gemm) and the plain TypeScript ones.
for (const path of ['simd', 'typescript'] as const satisfies readonly KernelPath[]) {
  describe(`matmul, kernel path '${path}'`, () => {
    const forced = <T>(body: () => T): T => onPath(path, body);

    it('all three layouts match the triple loop on random small shapes', () => {
      fc.assert(
        fc.property(dims, ({ m, k, n, seed }) =>
          forced(() => {
            const a = random(m * k, seed);
            const b = random(k * n, seed + 1);
            const out = new Float64Array(m * n).fill(7);
            matmulInto(a, b, out, m, k, n);
            assertClose('A·B', out, naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]), tol);
            const at = random(k * m, seed + 2); // stored (K, M)
            matmulTransAInto(at, b, out, m, k, n);
            assertClose('Aᵀ·B', out, naive(m, k, n, (i, p) => at[p * m + i], (p, j) => b[p * n + j]), tol);
            const bt = random(n * k, seed + 3); // stored (N, K)
            matmulTransBInto(a, bt, out, m, k, n);
            assertClose('A·Bᵀ', out, naive(m, k, n, (i, p) => a[i * k + p], (p, j) => bt[j * k + p]), tol);
            return true;
          }),
        ),
        { numRuns: 60 },
      );
    });

    it('SIMD, TypeScript and the triple loop agree to 1e-9 relative across block boundaries', () => {
      const [m, k, n] = [67, 263, 1029];
      const a = random(m * k, 21);
      const b = random(k * n, 22);
      const want = naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]);
      const out = new Float64Array(m * n);
      forced(() => matmulInto(a, b, out, m, k, n));
      assertClose('A·B', out, want, { atol: 1e-13, rtol: 1e-9 });
      const bt = random(n * k, 23);
      forced(() => matmulTransBInto(a, bt, out, m, k, n));
      assertClose('A·Bᵀ', out, naive(m, k, n, (i, p) => a[i * k + p], (p, j) => bt[j * k + p]), { atol: 1e-13, rtol: 1e-9 });
    });

    it("precision 'float32' stays within (k + 2)·2⁻²⁴·Σ|aᵢbᵢ| of the exact product", () => {
      const [m, k, n] = [13, 300, 21];
      const a = random(m * k, 31);
      const b = random(k * n, 32);
      const out = new Float64Array(m * n);
      forced(() => matmulInto(a, b, out, m, k, n, 'float32'));
      const want = naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]);
      const magnitude = naive(m, k, n, (i, p) => Math.abs(a[i * k + p]), (p, j) => Math.abs(b[p * n + j]));
      for (let i = 0; i < out.length; i++) {
        const bound = (k + 2) * 2 ** -24 * magnitude[i];
        if (!(Math.abs(out[i] - want[i]) <= bound)) throw new Error(`[${i}]: ${out[i]} vs ${want[i]} beyond ${bound}`);
      }
    });
  });
}

describe('productColumnsInto', () => {
  // The pool splits a product into column ranges written by different threads: each range must
  // leave every other column alone and compute its own exactly as the whole product does.
  for (const path of ['simd', 'typescript'] as KernelPath[]) {
    for (const precision of ['float64', 'float32'] as const) {
      it(`column ranges make up the whole product bit for bit (${path}, ${precision})`, () => {
        setKernelPath(path);
        try {
          fc.assert(
            fc.property(
              fc.constantFrom<ProductKind>('AB', 'AtB', 'ABt'),
              fc.integer({ min: 1, max: 13 }),
              fc.integer({ min: 0, max: 300 }),
              fc.integer({ min: 1, max: 40 }),
              fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
              fc.integer(),
              (kind, m, k, n, cuts, seed) => {
                const a = random(m * k, seed);
                const b = random(k * n, seed + 1);
                const whole: ProductRequest = { kind, a, b, out: new Float64Array(m * n), m, k, n, precision };
                productColumnsInto(whole, 0, n, productOnSimd(whole));
                const split = { ...whole, out: new Float64Array(m * n).fill(NaN) };
                const bounds = [...new Set([0, ...cuts.map((c) => c % n), n])].sort((x, y) => x - y);
                // Ranges in reverse order, so that no range can lean on one written before it.
                for (let r = bounds.length - 2; r >= 0; r--) productColumnsInto(split, bounds[r], bounds[r + 1], productOnSimd(whole));
                for (let i = 0; i < m * n; i++) assert.ok(Object.is(split.out[i], whole.out[i]), `${kind} (${m},${k},${n}) [${i}]`);
              },
            ),
            { seed: 7, numRuns: 60 },
          );
        } finally {
          setKernelPath('auto');
        }
      });
    }
  }
});

describe("precision 'float32' on both WebAssembly modules", () => {
  // The relaxed module's gebp_f32 accumulates with fused multiply-adds (test/helpers/setup.mjs turns
  // relaxed SIMD on, as the kernel does); the plain one with a multiply and an add. Both must keep
  // the stated bound and split into column ranges bit for bit.
  after(() => allowRelaxedSimd(true));
  for (const relaxed of [true, false]) {
    const label = relaxed ? 'relaxed (fused multiply-add)' : 'plain';
    it(`${label}: within (k + 2)·2⁻²⁴·Σ|aᵢbᵢ| of the exact product, across block boundaries`, () => {
      allowRelaxedSimd(relaxed);
      assert.equal(relaxedSimdInUse(), relaxed);
      const [m, k, n] = [67, 530, 1029];
      const a = random(m * k, 41);
      const b = random(k * n, 42);
      const out = new Float64Array(m * n);
      onPath('simd', () => matmulInto(a, b, out, m, k, n, 'float32'));
      const want = naive(m, k, n, (i, p) => a[i * k + p], (p, j) => b[p * n + j]);
      const magnitude = naive(m, k, n, (i, p) => Math.abs(a[i * k + p]), (p, j) => Math.abs(b[p * n + j]));
      for (let i = 0; i < out.length; i++) {
        const bound = (k + 2) * 2 ** -24 * magnitude[i];
        if (!(Math.abs(out[i] - want[i]) <= bound)) throw new Error(`${label} [${i}]: ${out[i]} vs ${want[i]} beyond ${bound}`);
      }
    });

    it(`${label}: column ranges make up the whole product bit for bit`, () => {
      allowRelaxedSimd(relaxed);
      for (const kind of ['AB', 'AtB', 'ABt'] as const) {
        const [m, k, n] = [9, 300, 37];
        const whole: ProductRequest = { kind, a: random(m * k, 51), b: random(k * n, 52), out: new Float64Array(m * n), m, k, n, precision: 'float32' };
        productColumnsInto(whole, 0, n, true);
        const split = { ...whole, out: new Float64Array(m * n).fill(NaN) };
        for (const [c0, c1] of [[20, 37], [3, 20], [0, 3]]) productColumnsInto(split, c0, c1, true);
        for (let i = 0; i < m * n; i++) assert.ok(Object.is(split.out[i], whole.out[i]), `${label} ${kind} [${i}]`);
      }
    });
  }
});
