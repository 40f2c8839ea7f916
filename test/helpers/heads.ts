import type { GflHeadRawInputs } from '../../src/core/heads/gfl';
import type { Tensor } from '../../src/core/tensor';
import { gaussian, seededRandom } from './random';

export interface HeadSpec {
  readonly seed: number;
  /** GTs per image (its length is the batch size N); 0 is an image without GT. */
  readonly gtCounts: readonly number[];
  readonly classes: number;
  readonly imgShape: readonly [number, number];
  readonly strides: readonly number[];
  readonly regMax: number;
}

/**
 * Random raw GFL head maps and ground truth: logits N(0, 2²) (class logits shifted by −1), GT boxes
 * of 6 px to 70 % of the image anywhere inside it, random labels. Continuous draws, so ties of
 * distances, IoUs or thresholds have probability 0.
 */
export function randomRawHead(spec: HeadSpec): GflHeadRawInputs {
  const random = seededRandom(spec.seed);
  const [H, W] = spec.imgShape;
  const N = spec.gtCounts.length;
  const map = (channels: number, s: number, shift: number): Tensor => {
    const shape = [N, channels, Math.ceil(H / s), Math.ceil(W / s)];
    const data = gaussian(random, shape.reduce((a, b) => a * b, 1), 2);
    for (let i = 0; i < data.length; i++) data[i] += shift;
    return { shape, data };
  };
  const clsScores = spec.strides.map((s) => map(spec.classes, s, -1));
  const bboxPreds = spec.strides.map((s) => map(4 * (spec.regMax + 1), s, 0));
  const gtBboxes: Tensor[] = [];
  const gtLabels: Tensor[] = [];
  for (const n of spec.gtCounts) {
    const boxes = new Float64Array(4 * n);
    const labels = new Float64Array(n);
    for (let g = 0; g < n; g++) {
      const w = 6 + random() * (0.7 * W - 6);
      const h = 6 + random() * (0.7 * H - 6);
      const x = random() * (W - w);
      const y = random() * (H - h);
      boxes.set([x, y, x + w, y + h], 4 * g);
      labels[g] = Math.floor(random() * spec.classes);
    }
    gtBboxes.push({ shape: [n, 4], data: boxes });
    gtLabels.push({ shape: [n], data: labels });
  }
  return { clsScores, bboxPreds, gtBboxes, gtLabels, imgShape: [H, W] };
}
