/**
 * Detector heads from raw per-level maps (issue 15): one training step's loss, forward and backward,
 * through the public core API. Shapes follow bench/compare-pytorch.py's twins.
 */
import { gflHeadRawLoss } from '../src/core';
import type { Tensor } from '../src/core/tensor';
import { gaussian, seededRandom } from '../test/helpers/random';

/** mmdetection's GFL head on one 800×1333 image, 80 classes, 10 GT boxes: 22,300 anchors over 5 levels. */
export function gflHeadRawWorkload(): { gradBytes: number; step: () => unknown } {
  const random = seededRandom(7);
  const [H, W, C, bins] = [800, 1333, 80, 17];
  const strides = [8, 16, 32, 64, 128];
  const map = (channels: number, s: number, shift: number): Tensor => {
    const shape = [1, channels, Math.ceil(H / s), Math.ceil(W / s)];
    const data = gaussian(random, shape.reduce((a, b) => a * b, 1));
    // Class logits sit near the head's prior bias, log(0.01/0.99) ≈ −4.6, as a trained head's do.
    for (let i = 0; i < data.length; i++) data[i] += shift;
    return { shape, data };
  };
  const clsScores = strides.map((s) => map(C, s, -4.6));
  const bboxPreds = strides.map((s) => map(4 * bins, s, 0));
  const boxes = new Float64Array(40);
  const labels = new Float64Array(10);
  for (let g = 0; g < 10; g++) {
    const w = 16 + random() * 400;
    const h = 16 + random() * 400;
    const x = random() * (W - w);
    const y = random() * (H - h);
    boxes.set([x, y, x + w, y + h], 4 * g);
    labels[g] = Math.floor(random() * C);
  }
  const inputs = {
    clsScores,
    bboxPreds,
    gtBboxes: [{ shape: [10, 4], data: boxes }],
    gtLabels: [{ shape: [10], data: labels }],
    imgShape: [H, W] as [number, number],
  };
  const gradBytes = [...clsScores, ...bboxPreds].reduce((sum, t) => sum + t.data.byteLength, 0);
  return { gradBytes, step: () => gflHeadRawLoss(inputs, { grad: true }) };
}
