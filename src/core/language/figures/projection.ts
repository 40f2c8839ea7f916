import { censusMinedTriplets, type TripletSource } from '../../embeddings/minedTriplets';
import { pca } from '../../embeddings/pca';
import { InputError, describeValue } from '../../errors';
import { gridPoints } from '../../figures/grid';
import { FIGURE_SPEC_VERSION, type ProjectionFigure } from '../../figures/spec';
import { PML_DEFAULTS } from '../../metric/defaults';
import { measureBatch, resolveMetricDistance, type MetricDistance, type MetricDistanceOptions } from '../../metric/distance';
import { mineBatchHard } from '../../metric/miners/batchEasyHard';
import { TRIPLET_TYPES, mineTripletMargin, type TripletType } from '../../metric/miners/tripletMargin';
import { requireLabelledBatch } from '../../metric/tuples';
import { formatNumber } from '../../numberFormat';
import { readOptions, type OptionSpec } from '../options';
import { valueToTensor } from '../values';
import { METRIC_DISTANCE_OPTIONS } from '../builtins/defaults';
import { finiteNumber } from './arguments';
import { count, inView, viewArguments } from './embedding';

/*
 * triplet_projection: a batch's mined triplets drawn on its first two or three principal axes,
 * coloured easy / semi-hard / hard at a margin that a slider moves in the renderer (the figure
 * carries each drawn triplet's distances and the counts at every slider step, so no kernel is
 * needed to recolour).
 */

const SIGNATURE = 'triplet_projection(emb, labels, {miner, type_of_triplets, margin, margin_max, distance, p, power, normalize_embeddings, dims, max_triplets, draw, title})';
/** Slider steps over [0, margin_max]. */
const SLIDER_STEPS = 200;

export const TRIPLET_PROJECTION_OPTIONS: readonly OptionSpec[] = [
  { key: 'miner', type: 'string', default: 'all', values: ['all', 'triplet_margin', 'batch_hard'], description: "which triplets: 'all' (every valid triplet, so the slider's counts are the whole batch's), 'triplet_margin' (pml TripletMarginMiner at margin with type_of_triplets) or 'batch_hard' (pml BatchHardMiner)" },
  { key: 'type_of_triplets', type: 'string', default: PML_DEFAULTS.TripletMarginMiner.type_of_triplets, values: [...TRIPLET_TYPES], description: "triplet_margin: 'all' (not easy), 'hard', 'semihard' or 'easy', at margin" },
  { key: 'margin', type: 'number', default: PML_DEFAULTS.TripletMarginMiner.margin, description: "the margin the colours start at (the slider's value), and triplet_margin's mining margin" },
  { key: 'margin_max', type: 'number', description: 'the slider range is [0, margin_max] (default max(1, 2·margin))' },
  ...METRIC_DISTANCE_OPTIONS.map((option) => (option.key === 'distance' ? { ...option, default: 'lp', description: "'lp' (pml LpDistance, pml's default) or 'cosine' (CosineSimilarity: the margin is on s_ap − s_an)" } : option)),
  { key: 'dims', type: 'number', default: 2, description: 'principal axes drawn: 2, or 3 (a 3-D scene)' },
  { key: 'max_triplets', type: 'number', default: 300, description: 'how many triplets are drawn; the counts cover all' },
  { key: 'draw', type: 'string', default: 'hardest', values: ['hardest', 'sample'], description: "which triplets are drawn: 'hardest' (smallest d_an − d_ap first) or 'sample' (a uniform sample of all, with a fixed seed: the mix of categories the slider moves between)" },
  { key: 'title', type: 'string', description: 'figure title' },
];

function distanceName(distance: MetricDistance): string {
  if (distance.kind === 'cosine') return `CosineSimilarity(${distance.power === 1 ? '' : `power ${formatNumber(distance.power)}`})`;
  return `LpDistance(p ${formatNumber(distance.p)}${distance.power === 1 ? '' : `, power ${formatNumber(distance.power)}`}, ${distance.normalizeEmbeddings ? 'normalised' : 'raw'})`;
}

/**
 * triplet_projection(emb, labels, {miner, margin, dims, distance, max_triplets}): PCA of the
 * embeddings the distance measures (L2-normalised by pml's default), the mined triplets as
 * segments anchor → positive and anchor → negative, each coloured by pml's category at the margin
 * from its distances in the original embedding space.
 */
export function tripletProjection(args: unknown[]): ProjectionFigure {
  const fn = 'triplet_projection';
  const { positional, options: raw } = viewArguments(fn, args, 2, SIGNATURE);
  const options = readOptions(fn, raw, TRIPLET_PROJECTION_OPTIONS);
  const margin = options.margin === undefined ? PML_DEFAULTS.TripletMarginMiner.margin : finiteNumber(fn, 'options.margin', options.margin);
  const marginMax = options.margin_max === undefined ? Math.max(1, 2 * margin) : finiteNumber(fn, 'options.margin_max', options.margin_max);
  if (!(marginMax > 0)) throw new InputError(fn, 'options.margin_max', 'a number > 0 (the slider runs over [0, margin_max])', describeValue(marginMax));
  const dims = count(fn, options, 'dims', 2, 2, 3) as 2 | 3;
  const maxTriplets = count(fn, options, 'max_triplets', 300, 0, 20_000);
  const miner = (options.miner ?? 'all') as string;
  const type = (options.type_of_triplets ?? PML_DEFAULTS.TripletMarginMiner.type_of_triplets) as TripletType;
  const [emb, labels] = ['emb', 'labels'].map((name, i) => valueToTensor(fn, name, positional[i]));
  return inView(fn, () => {
    const batch = requireLabelledBatch(fn, emb, labels);
    const distance = resolveMetricDistance(fn, options as MetricDistanceOptions, 'lp');
    const measured = measureBatch(distance, batch.embeddings, batch.B, batch.d);
    if (batch.d < dims) throw new InputError(fn, 'emb', `at least ${dims} columns for dims ${dims}`, `${batch.d}`);
    const source: TripletSource =
      miner === 'triplet_margin'
        ? { kind: 'mined', triplets: mineTripletMargin(measured, batch.labels, margin, type) }
        : miner === 'batch_hard'
          ? { kind: 'mined', triplets: mineBatchHard(measured, batch.labels) }
          : { kind: 'all', labels: batch.labels };
    const value = Math.min(marginMax, Math.max(0, margin));
    const margins = gridPoints(0, marginMax, SLIDER_STEPS + 1);
    const census = censusMinedTriplets(measured, source, margins, maxTriplets, options.draw === 'sample' ? 'sample' : 'hardest');
    const projection = pca({ shape: [batch.B, batch.d], data: measured.x }, dims);
    const points = Array.from({ length: batch.B }, (_, i) => Array.from(projection.projected.subarray(i * dims, (i + 1) * dims)));
    const minerName = miner === 'triplet_margin' ? `TripletMarginMiner(margin ${formatNumber(margin)}, ${type})` : miner === 'batch_hard' ? 'BatchHardMiner' : 'every valid triplet';
    const spec: ProjectionFigure = {
      version: FIGURE_SPEC_VERSION,
      kind: 'projection',
      dimensions: dims,
      points,
      labels: Array.from(batch.labels),
      explainedVariance: Array.from(projection.ratio),
      miner: minerName,
      distance: distanceName(distance),
      inverted: distance.isInverted,
      margin: value,
      triplets: {
        a: Array.from(census.drawn.a, (i) => i + 1),
        p: Array.from(census.drawn.p, (i) => i + 1),
        n: Array.from(census.drawn.n, (i) => i + 1),
        ap: Array.from(census.drawn.ap),
        an: Array.from(census.drawn.an),
      },
      total: census.total,
      drawn: options.draw === 'sample' ? 'sample' : 'hardest',
      counts: { margins, hard: Array.from(census.hard), semihard: Array.from(census.semihard), easy: Array.from(census.easy) },
      sliders: [{ name: 'margin', min: 0, max: marginMax, step: marginMax / SLIDER_STEPS, value }],
    };
    return options.title === undefined ? spec : { ...spec, title: options.title as string };
  });
}
