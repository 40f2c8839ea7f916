/** Small random YOLOv8 heads and ground truths for the tests of src/core/heads/yolov8/. */
import type { Tensor } from '../../../../src/core/tensor';
import { gaussian, seededRandom } from '../../../helpers/random';

export interface RandomHead {
  readonly feats: Tensor[];
  readonly gtBoxes: Tensor[];
  readonly gtLabels: Tensor[];
}

/**
 * N images of size×size pixels over strides 8, 16, 32 with C classes and 16 bins per side, and
 * gtCounts[i] random boxes in image i. The bin logits lean towards distances that fit the GTs'
 * scale so that CIoUs are mostly positive, and the boxes are at least 8 px so that they hold anchors.
 */
export function randomHead(seed: number, size: number, classes: number, gtCounts: readonly number[]): RandomHead {
  const random = seededRandom(seed);
  const N = gtCounts.length;
  const channels = 64 + classes;
  const feats = [8, 16, 32].map((s) => {
    const side = Math.ceil(size / s);
    const data = gaussian(random, N * channels * side * side, 1.5);
    return { shape: [N, channels, side, side], data };
  });
  const gtBoxes = gtCounts.map((count) => {
    const data = new Float64Array(4 * count);
    for (let g = 0; g < count; g++) {
      const w = 8 + random() * (size - 8);
      const h = 8 + random() * (size - 8);
      const x = random() * (size - w);
      const y = random() * (size - h);
      data.set([x, y, x + w, y + h], 4 * g);
    }
    return { shape: [count, 4], data };
  });
  const gtLabels = gtCounts.map((count) => ({ shape: [count], data: Float64Array.from({ length: count }, () => Math.floor(random() * classes)) }));
  return { feats, gtBoxes, gtLabels };
}
