import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FigureSpec } from '../../src/core/figures/spec';
import { Session } from '../../src/core/language/session';
import { createNodeSession } from '../../src/node/session';

/**
 * The figure fixtures under test/fixtures/figures/: each is the cells that draw it and the spec
 * a real Session produced from them, so the browser tests render what a notebook would hold.
 * Regenerate with `node --import tsx test/browser/figureFixtures.ts`.
 */
export interface FigureFixture {
  readonly name: string;
  readonly cells: readonly string[];
  readonly spec: FigureSpec;
}

export const FIXTURE_DIR = 'test/fixtures/figures';

/** A tiny GFL head output: cls (4, 2), reg (4, 4·17) with a peaked bin per side, points on a stride-8 grid. */
const DETECTOR_DATA = [
  'bins_row = [0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]',
  'reg_row = concat(bins_row, bins_row, bins_row, bins_row)',
  'data = {cls: [[2, -1], [-1, 1.5], [-3, -2], [-2, -4]], reg: [reg_row, reg_row, reg_row, reg_row], points: [[4, 4], [12, 4], [4, 12], [12, 12]], labels: [0, 1, 2, 2], gt_boxes: [[-12, -12, 20, 20], [0, -8, 28, 20], [0, 0, 0, 0], [0, 0, 0, 0]]}',
].join('\n');

export const FIXTURE_CELLS: Readonly<Record<string, readonly string[]>> = {
  'curves-sliders': ['beta = 2', 'y0 = 0.7', 'plot(qfl(s, y0, beta), s, 0.001, 0.999, {points: 1000, grad: true, sliders: {beta: [0, 4, 0.1], y0: [0, 1, 0.05]}, title: "QFL and its gradient"})'],
  curves: ['plot([focal(p, 1, 0.25, 0), focal(p, 1, 0.25, 2), focal(p, 1, 0.25, 5)], p, 0.01, 0.99, {points: 99, names: ["gamma 0", "gamma 2", "gamma 5"], x_label: "p", y_label: "focal loss"})'],
  distribution: ['z = [0, 1, 3, 1, 0, -1, -2, -3]', 't = 2.4', 'dist(z, t, {sliders: {t: [0, 7, 0.1]}, title: "DFL bins"})'],
  heatmap: ['heatmap(qfl(s, y, 2), s, 0.01, 0.99, y, 0, 1, {points: 41, diagonal: true, x_label: "sigma", y_label: "IoU target", z_label: "QFL"})'],
  histogram: ['v = [0.1, 0.22, 0.25, 0.3, 0.5, 0.55, 0.58, 0.41, 0.45, 0.9, 0.95, 0.99]', 'hist(v, {bins: 5, range: [0, 1], x_label: "IoU"})'],
  scatter: ['e = [[1, 0.1], [0.9, 0.3], [-0.2, 1], [-0.1, 0.8], [-1, -0.2], [-0.7, -0.6]]', 'scatter(e, {labels: [0, 0, 1, 1, 2, 2], normalize: true, centres: [[1, 0], [0, 1], [-1, 0]], margin: 0.3, title: "embeddings"})'],
  table: ['table({loss: [0.5, 2.5, 0.1, 1.5], iou: [0.9, 0.2, 0.95, 0.4]}, {by: "loss", k: 3, title: "hardest anchors"})'],
  margins: ['margins_plot({m_arc: 0.5, m_cos: 0.35, m_sphere: 4, points: 181})'],
  // A 2 × 2 level of stride 8 with two positives (classes 0 and 1) and two background anchors.
  'anchor-map': [DETECTOR_DATA, 'g = gfl(data, {stride: 8})', 'anchor_map(g, data, {stride: 8, component: "total", title: "loss per anchor"})'],
  sides: [DETECTOR_DATA, 'sides(data, 1, {stride: 8, title: "anchor 1"})'],
  calibration: [DETECTOR_DATA, 'g = gfl(data, {stride: 8})', 'calibration(g, data, {title: "score vs IoU"})'],
  // An embedding export of 8 samples in 2-D, 3 classes (d, C) = (2, 3); row 8 sits opposite its centre.
  'angle-hist': [
    'x = [[1, 0.1], [0.9, 0.3], [-0.2, 1], [-0.1, 0.8], [-1, -0.2], [-0.7, -0.6], [0.2, 0.9], [-1, 0.05]]',
    'W = [[1, 0, -1], [0, 1, -0.1]]',
    'angle_hist(x, W, [0, 0, 1, 1, 2, 2, 1, 0], {m: 0.5, bins: 36, title: "target and non-target angles"})',
  ],
  // Ten embeddings in 3-D, three classes; row 9 (class 0) sits among class 2.
  'triplet-projection': [
    'e = [[1, 0.1, 0.2], [0.9, 0.3, 0.1], [1.1, -0.1, 0.3], [-0.2, 1, 0.1], [-0.1, 0.8, 0.4], [0.1, 1.1, -0.2], [-1, -0.2, 0.1], [-0.7, -0.6, 0.2], [-0.9, -0.3, 0], [-0.8, -0.4, 0.1]]',
    'triplet_projection(e, [0, 0, 0, 1, 1, 1, 2, 2, 2, 0], {margin: 0.2, max_triplets: 40, title: "mined triplets"})',
  ],
  'triplet-projection-3d': [
    'e = [[1, 0.1, 0.2], [0.9, 0.3, 0.1], [1.1, -0.1, 0.3], [-0.2, 1, 0.1], [-0.1, 0.8, 0.4], [0.1, 1.1, -0.2], [-1, -0.2, 0.1], [-0.7, -0.6, 0.2], [-0.9, -0.3, 0], [-0.8, -0.4, 0.1]]',
    'triplet_projection(e, [0, 0, 0, 1, 1, 1, 2, 2, 2, 0], {margin: 0.2, dims: 3, miner: "triplet_margin", title: "mined triplets in 3-D"})',
  ],
  'centre-similarity': ['centre_similarity([[1, 0, -1, 0.98], [0, 1, -0.1, 0.05], [0.1, 0.2, 0, 0.1]], {top: 3, title: "class centres"})'],
  // The bundled raw GFL export (samples/data/raw-gfl-head.pt): five levels, 16×16 down to 1×1, three GT boxes.
  'anchor-map-grid': ['d = load("data/raw-gfl-head.pt")', 'h = gfl_head(d)', 'anchor_map(h, d, {title: "loss per anchor, every level"})'],
  'assignment-map': ['d = load("data/raw-gfl-head.pt")', 'h = gfl_head(d)', 'assignment_map(h, d, {title: "ATSS assignment"})'],
};

/** Runs a fixture's cells in a fresh session (one that loads from samples/ when a cell loads) and returns the last figure. */
export function figureFromCells(cells: readonly string[]): FigureSpec {
  const session = cells.some((cell) => cell.includes('load(')) ? createNodeSession('samples', { pool: null }) : new Session();
  let spec: FigureSpec | undefined;
  for (const cell of cells) {
    for (const output of session.runCell(cell)) {
      if (output.kind === 'error') throw new Error(`${cell}: ${output.message}`);
      if (output.kind === 'figure') spec = output.spec;
    }
  }
  if (spec === undefined) throw new Error(`no figure from ${cells.join('; ')}`);
  return spec;
}

export function readFixtures(): FigureFixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => JSON.parse(readFileSync(join(FIXTURE_DIR, file), 'utf8')) as FigureFixture);
}

if (process.argv[1]?.endsWith('figureFixtures.ts')) {
  mkdirSync(FIXTURE_DIR, { recursive: true });
  for (const [name, cells] of Object.entries(FIXTURE_CELLS)) {
    writeFileSync(join(FIXTURE_DIR, `${name}.json`), `${JSON.stringify({ name, cells, spec: figureFromCells(cells) })}\n`);
  }
}
