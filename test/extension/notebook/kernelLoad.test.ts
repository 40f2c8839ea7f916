import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { all, create, type Matrix } from 'mathjs';
import { loadBytes } from '../../../src/core/io';
import { isTensor } from '../../../src/core/tensor';
import { arraysToValues } from '../../../src/extension/notebook/kernelLoad';

const math = create(all);
const file = loadBytes(new TextEncoder().encode(JSON.stringify({ boxes: [[0, 0, 2, 2], [1, 1, 3, 3]], score: [0.5, 0.25, 1], stride: 8 })), 'export.json');

describe('arraysToValues', () => {
  it('gives small arrays as the matrices math.matrix makes of their values, and 0-d arrays as numbers', () => {
    const values = arraysToValues(file, math);
    const boxes = values.boxes as Matrix<number>;
    assert.equal(math.isDenseMatrix(boxes), true);
    assert.deepEqual(boxes.size(), [2, 4]);
    assert.equal(math.deepEqual(boxes, math.matrix([[0, 0, 2, 2], [1, 1, 3, 3]])), true);
    // The matrix is an ordinary one: indexing and arithmetic work on it.
    assert.deepEqual((math.subset(boxes, math.index(1, [0, 1, 2, 3])) as Matrix<number>).toArray(), [1, 1, 3, 3]);
    assert.deepEqual((math.multiply(values.score as Matrix<number>, 2) as Matrix<number>).toArray(), [1, 0.5, 2]);
    assert.equal(values.stride, 8);
  });

  it('keeps arrays above the element limit as float64 tensors', () => {
    const values = arraysToValues(file, math, 4);
    assert.equal(isTensor(values.boxes), true);
    assert.deepEqual(values.boxes, { shape: [2, 4], data: Float64Array.of(0, 0, 2, 2, 1, 1, 3, 3) });
    assert.equal(math.isDenseMatrix(values.score), true);
  });
});
