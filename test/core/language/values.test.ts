import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { create, all, type Matrix } from 'mathjs';
import { InputError } from '../../../src/core/errors';
import { backedMatrix, isMatrixLike, listMatrix, summarizeTensor, summarizeValue, summaryMarkdown, tensorToValue, valueToTensor } from '../../../src/core/language/values';

const math = create(all);

describe('valueToTensor / tensorToValue', () => {
  it('reads numbers, nested arrays and mathjs matrices with their shapes', () => {
    assert.deepEqual(valueToTensor('f', 'x', 3), { shape: [], data: Float64Array.of(3) });
    assert.deepEqual(valueToTensor('f', 'x', [[1, 2], [3, 4]]), { shape: [2, 2], data: Float64Array.of(1, 2, 3, 4) });
    assert.deepEqual(valueToTensor('f', 'x', math.matrix([[1, 2, 3]])), { shape: [1, 3], data: Float64Array.of(1, 2, 3) });
  });

  it('keeps the trailing extents of an empty matrix', () => {
    assert.deepEqual(valueToTensor('f', 'x', math.zeros(0, 4)), { shape: [0, 4], data: new Float64Array(0) });
  });

  it('rejects ragged input with an InputError naming the function and argument', () => {
    assert.throws(() => valueToTensor('qfl', 'pred', [[1, 2], [3]]), (e: unknown) => e instanceof InputError && e.fn === 'qfl' && e.argument === 'pred');
  });

  it('makes the same matrix as math.matrix of the nested arrays, for every rank', () => {
    const cases = [
      { shape: [3], data: Float64Array.of(1, -2, 3.5) },
      { shape: [2, 3], data: Float64Array.of(1, 2, 3, 4, 5, 6) },
      { shape: [2, 1, 2], data: Float64Array.of(1, 2, 3, 4) },
      { shape: [0, 4], data: new Float64Array(0) },
    ];
    for (const tensor of cases) {
      const made = backedMatrix(math, tensor) as Matrix<number>;
      const reference = math.matrix(tensorToValue(tensor) as number[]) as Matrix<number>;
      assert.equal(math.isDenseMatrix(made), true);
      assert.deepEqual(made.size(), reference.size());
      assert.deepEqual(made.toArray(), reference.toArray());
      assert.deepEqual((math.multiply(made, 2) as typeof made).toArray(), (math.multiply(reference, 2) as typeof reference).toArray());
    }
    assert.equal(backedMatrix(math, { shape: [], data: Float64Array.of(7) }), 7);
  });

  it('reads a matrix without changing it, and the tensor does not alias it', () => {
    const matrix = math.matrix([[1, 2], [3, 4]]);
    const tensor = valueToTensor('f', 'x', matrix);
    tensor.data[0] = 99;
    assert.deepEqual(matrix.toArray(), [[1, 2], [3, 4]]);
  });

  it('round-trips a tensor to nested arrays', () => {
    assert.deepEqual(tensorToValue({ shape: [2, 1], data: Float64Array.of(5, 6) }), [[5], [6]]);
    assert.equal(isMatrixLike(math.matrix([1])), true);
    assert.equal(isMatrixLike([1]), false);
  });
});

describe('backedMatrix: a tensor as a matrix whose nested arrays are made when mathjs first reads them', () => {
  /** Element i of the flat row-major data, a value no two positions share. */
  const element = (i: number): number => (i % 2 === 0 ? 1 : -1) * (i + 0.5) / 3;
  /** A (shape) tensor of element(i), and the same values as nested arrays written out by hand. */
  const cases = [
    { tensor: { shape: [5], data: Float64Array.from({ length: 5 }, (_, i) => element(i)) }, nested: [0, 1, 2, 3, 4].map(element) },
    {
      tensor: { shape: [2, 3], data: Float64Array.from({ length: 6 }, (_, i) => element(i)) },
      nested: [[element(0), element(1), element(2)], [element(3), element(4), element(5)]],
    },
    {
      tensor: { shape: [2, 1, 2], data: Float64Array.from({ length: 4 }, (_, i) => element(i)) },
      nested: [[[element(0), element(1)]], [[element(2), element(3)]]],
    },
  ];
  const backed = (tensor: { shape: number[]; data: Float64Array }): Matrix<number> => backedMatrix(math, { shape: tensor.shape, data: Float64Array.from(tensor.data) }) as Matrix<number>;

  it('answers every mathjs function as math.matrix of the same values does, each on a fresh matrix', () => {
    const operations: [string, (m: Matrix<number>) => unknown][] = [
      ['size', (m) => math.size(m)],
      ['toArray', (m) => m.toArray()],
      ['valueOf', (m) => m.valueOf()],
      ['first element', (m) => math.subset(m, math.index(...m.size().map(() => 0)))],
      ['multiply by 2', (m) => math.multiply(m, 2)],
      ['add itself', (m) => math.add(m, m)],
      ['sum', (m) => math.sum(m)],
      ['max', (m) => math.max(m)],
      ['map', (m) => math.map(m, (x: number) => x * x)],
      ['flatten', (m) => math.flatten(m)],
      ['clone', (m) => m.clone()],
      ['JSON', (m) => JSON.parse(JSON.stringify(m))],
      ['format', (m) => math.format(m)],
      ['deepEqual', (m) => math.deepEqual(m, m.clone())],
      ['isDenseMatrix', (m) => math.isDenseMatrix(m)],
      ['datatype', (m) => m.datatype()],
    ];
    for (const { tensor, nested } of cases) {
      for (const [name, operation] of operations) {
        const got = operation(backed(tensor));
        const want = operation(math.matrix(nested) as Matrix<number>);
        const plain = (value: unknown): unknown => (math.isMatrix(value) ? { size: value.size(), values: value.toArray() } : value);
        assert.deepEqual(plain(got), plain(want), `${name} of a (${tensor.shape.join(', ')}) matrix`);
      }
    }
  });

  it('is read by a loss as its tensor, with no conversion, while mathjs only reads it', () => {
    const tensor = { shape: [2, 3], data: Float64Array.of(1, 2, 3, 4, 5, 6) };
    const matrix = backedMatrix(math, tensor) as Matrix<number>;
    assert.equal(valueToTensor('f', 'x', matrix), tensor);
    math.multiply(matrix, 2);
    assert.deepEqual(matrix.toArray(), [[1, 2, 3], [4, 5, 6]]);
    assert.equal(valueToTensor('f', 'x', matrix), tensor);
  });

  it('changed in place through mathjs, is read with its new values, and the tensor is never written', () => {
    const changes: [string, (m: Matrix<number>) => void, number[], number[]][] = [
      ['set', (m) => m.set([1, 2], 7), [2, 3], [1, 2, 3, 4, 5, 7]],
      ['subset assignment', (m) => m.subset(math.index(0, 0), 9), [2, 3], [9, 2, 3, 4, 5, 6]],
      ['resize', (m) => m.resize([2, 2]), [2, 2], [1, 2, 4, 5]],
      ['reshape', (m) => (m as unknown as { reshape(size: number[]): void }).reshape([3, 2]), [3, 2], [1, 2, 3, 4, 5, 6]],
      ['swapRows', (m) => m.swapRows(0, 1), [2, 3], [4, 5, 6, 1, 2, 3]],
    ];
    for (const [name, change, shape, values] of changes) {
      const data = Float64Array.of(1, 2, 3, 4, 5, 6);
      const matrix = backedMatrix(math, { shape: [2, 3], data }) as Matrix<number>;
      change(matrix);
      const read = valueToTensor('f', 'x', matrix);
      assert.deepEqual({ shape: read.shape, values: Array.from(read.data) }, { shape, values }, name);
      assert.deepEqual(Array.from(data), [1, 2, 3, 4, 5, 6], `${name} left the tensor as it was`);
      assert.deepEqual(math.size(matrix), shape, name);
    }
  });

  it('gives a scalar as a number and an empty tensor as math.matrix does', () => {
    assert.equal(backedMatrix(math, { shape: [], data: Float64Array.of(7) }), 7);
    assert.deepEqual((backedMatrix(math, { shape: [0], data: new Float64Array(0) }) as Matrix<number>).size(), math.matrix([]).size());
  });
});

describe('summaries', () => {
  it('counts NaN and computes min, mean and max of the finite values by hand', () => {
    const s = summarizeTensor({ shape: [5], data: Float64Array.of(1, NaN, 3, Infinity, -2) });
    assert.deepEqual([s.min, s.max, s.mean, s.nanCount], [-2, Infinity, (1 + 3 - 2) / 3, 1]);
    assert.equal(s.preview, '[1, NaN, 3, ∞, -2]');
  });

  it('summarises every kind of value', () => {
    assert.deepEqual(summarizeValue(undefined), { kind: 'empty', preview: '(nothing)' });
    assert.deepEqual(summarizeValue(0.5), { kind: 'number', preview: '0.5' });
    assert.deepEqual(summarizeValue(1e-7), { kind: 'number', preview: '1e-7' });
    assert.deepEqual(summarizeValue(true), { kind: 'boolean', preview: 'true' });
    assert.deepEqual(summarizeValue('a'), { kind: 'string', preview: '"a"' });
    assert.equal(summarizeValue(() => 1).kind, 'function');
    assert.deepEqual(summarizeValue(['a', 'b']), { kind: 'object', preview: 'a non-numeric array' });
    assert.equal(summarizeValue({ loss: 1, grad: { pred: [[1, 2]] }, m: [1, 2, 3] }).preview, '{loss: 1, grad: {…}, m: (3)}');
    // A loaded torch.save list (listMatrix): its items, tensors by shape.
    const list = listMatrix(math, [math.matrix([[1, 2]]), 'x', { a: 1 }, 3]);
    assert.deepEqual(summarizeValue(list), { kind: 'object', preview: '[(1, 2), "x", {…}, 3]' });
    assert.equal(summarizeValue(math.matrix([[1, 2], [3, 4]])).kind, 'tensor');
  });

  it('previews the first rows and elements only', () => {
    const big = summarizeTensor({ shape: [4, 8], data: Float64Array.from({ length: 32 }, (_, i) => i) });
    assert.equal(big.preview, '[[0, 1, 2, 3, 4, 5, …], [8, 9, 10, 11, 12, 13, …], [16, 17, 18, 19, 20, 21, …], …]');
  });

  it('renders one line of markdown per summary', () => {
    assert.equal(summaryMarkdown(summarizeValue(2), 'x'), '`x` = `2`');
    assert.equal(
      summaryMarkdown(summarizeTensor({ shape: [7], data: Float64Array.of(1, NaN, 1, 1, 1, 1, 1) })),
      'tensor (7) float64 · min 1 · mean 1 · max 1 · **1 NaN**\n\n`[1, NaN, 1, 1, 1, 1, …]`',
    );
    assert.equal(summaryMarkdown(summarizeTensor({ shape: [0, 3], data: new Float64Array(0) })), 'tensor (0, 3) float64 · empty · NaN 0\n\n`[]`');
  });

  it('prints a small tensor as its values: size(x), a short vector, a 2 × 3 matrix', () => {
    assert.equal(summaryMarkdown(summarizeValue(math.size(math.zeros(2, 3)))), '`[2, 3]`');
    assert.equal(summaryMarkdown(summarizeValue([0.25, NaN, -1]), 'v'), '`v` = `[0.25, NaN, -1]`');
    assert.equal(summaryMarkdown(summarizeValue([[1, 2, 3], [4, 5, 6]])), '`[[1, 2, 3], [4, 5, 6]]`');
    assert.equal(summaryMarkdown(summarizeValue([[1], [2], [3], [4], [5], [6]])), '`[[1], [2], [3], [4], [5], [6]]`', 'every row of a small column');
  });

  it('summarises a tensor past the plain limit, of 3 dimensions, or empty', () => {
    assert.match(summaryMarkdown(summarizeValue([1, 2, 3, 4, 5, 6, 7])), /^tensor \(7\) float64 · min 1 · mean 4 · max 7/);
    assert.match(summaryMarkdown(summarizeValue([[[1, 2]]])), /^tensor \(1, 1, 2\)/);
    assert.match(summaryMarkdown(summarizeValue(math.zeros(0))), /^tensor \(0\) float64 · empty/);
  });
});
