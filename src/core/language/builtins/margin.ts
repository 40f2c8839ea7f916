import { InputError, describeValue } from '../../errors';
import { combinedMarginLoss, pmlMarginLoss, type CombinedMarginOptions, type InsightfaceArcForm, type MarginHeadResult, type PmlMarginKind } from '../../heads/margin';
import { readOptions, type OptionValues } from '../options';
import { out, splitOptions, tensorArg } from './arguments';
import { MARGIN_HEAD_OPTIONS } from './defaults';
import { LOSS_MARK } from './marks';
import type { ValueBuiltin } from './types';

/*
 * The margin classification heads of metric learning, at parity with pytorch-metric-learning and
 * insightface: one builtin, whose `head` and `convention` options name the class and the library.
 */

const fn = 'margin_head';

/** The options that belong to insightface's CombinedMarginLoss only. */
const COMBINED_KEYS = ['s', 'm1', 'm2', 'm3'] as const;

/** The core call the options describe: pml's class, or insightface's CombinedMarginLoss. */
type HeadCall = { library: 'pml'; kind: PmlMarginKind; margin?: number; scale?: number; subCenters?: number } | { library: 'insightface'; options: CombinedMarginOptions };

function headCall(o: OptionValues): HeadCall {
  // An option that belongs to one head or library implies it when head / convention are not given:
  // {m2: 0.3} is CombinedMarginLoss, {sub_centers: 2} SubCenterArcFaceLoss, {arc_form: …} insightface.
  const given = (keys: readonly string[]): boolean => keys.some((key) => o[key] !== undefined);
  const head = (o.head as string | undefined) ?? (given(COMBINED_KEYS) ? 'combined' : o.sub_centers !== undefined ? 'subcenter_arcface' : 'arcface');
  const convention = (o.convention as string | undefined) ?? (head === 'combined' || given(['interclass_filtering_threshold', 'arc_form']) ? 'insightface' : 'pml');
  const number = (key: string): number | undefined => o[key] as number | undefined;
  const only = (keys: readonly string[], where: string): void => {
    const stray = keys.find((key) => o[key] !== undefined);
    if (stray !== undefined) throw new InputError(fn, `options.${stray}`, `given only with ${where}`, describeValue(o[stray]));
  };
  const common: CombinedMarginOptions = {
    ...(number('interclass_filtering_threshold') !== undefined ? { interclassFilteringThreshold: number('interclass_filtering_threshold') } : {}),
    ...(o.arc_form !== undefined ? { arcForm: o.arc_form as InsightfaceArcForm } : {}),
  };
  if (head === 'combined') {
    if (convention !== 'insightface') throw new InputError(fn, 'options.convention', "'insightface' for head \"combined\" (CombinedMarginLoss is insightface's)", describeValue(convention));
    for (const key of ['margin', 'scale', 'sub_centers']) {
      if (o[key] !== undefined) throw new InputError(fn, `options.${key}`, 'absent for head "combined", which takes s, m1, m2 and m3', describeValue(o[key]));
    }
    const combined: CombinedMarginOptions = { ...common };
    for (const key of COMBINED_KEYS) if (number(key) !== undefined) Object.assign(combined, { [key]: number(key) });
    return { library: 'insightface', options: combined };
  }
  only(COMBINED_KEYS, 'head "combined" (CombinedMarginLoss(s, m1, m2, m3)); the other heads take margin and scale');
  if (convention === 'insightface') {
    // insightface's ArcFace and CosFace are CombinedMarginLoss(s, 1, m, 0) and (s, 1, 0, m).
    if (head !== 'arcface' && head !== 'cosface') {
      throw new InputError(fn, 'options.head', `"arcface" or "cosface" with convention "insightface" (CombinedMarginLoss has no ${head} branch)`, describeValue(head));
    }
    if (o.sub_centers !== undefined) throw new InputError(fn, 'options.sub_centers', 'absent with convention "insightface"', describeValue(o.sub_centers));
    const margin = number('margin') ?? (head === 'arcface' ? 0.5 : 0.4);
    return { library: 'insightface', options: { ...common, s: number('scale') ?? 64, m1: 1, m2: head === 'arcface' ? margin : 0, m3: head === 'cosface' ? margin : 0 } };
  }
  only(['interclass_filtering_threshold', 'arc_form'], 'insightface\'s heads (head "combined", or convention "insightface")');
  if (o.sub_centers !== undefined && head !== 'subcenter_arcface') throw new InputError(fn, 'options.sub_centers', 'given only with head "subcenter_arcface"', describeValue(o.sub_centers));
  return {
    library: 'pml',
    kind: head as PmlMarginKind,
    ...(number('margin') !== undefined ? { margin: number('margin') } : {}),
    ...(number('scale') !== undefined ? { scale: number('scale') } : {}),
    ...(number('sub_centers') !== undefined ? { subCenters: number('sub_centers') } : {}),
  };
}

/** A core error in the cell's words: insightface's `weight` is the cell's W, option names as written. */
function inCellWords(error: unknown): unknown {
  if (!(error instanceof InputError)) return error;
  const names: Record<string, string> = { weight: 'W', 'options.subCenters': 'options.sub_centers', 'options.interclassFilteringThreshold': 'options.interclass_filtering_threshold', 'options.arcForm': 'options.arc_form', 'options.kind': 'options.head' };
  return new InputError(fn, names[error.argument] ?? error.argument, error.expected, error.found, error.index);
}

const MARGIN_HEAD: ValueBuiltin = {
  name: fn,
  room: 'margin',
  signatures: ['margin_head(x, W, labels, {head, convention, margin, scale, sub_centers, s, m1, m2, m3, interclass_filtering_threshold, arc_form})'],
  summary:
    "A margin classification head at parity with its library: pytorch-metric-learning's ArcFaceLoss (margin in degrees), CosFaceLoss, SphereFaceLoss (scaled by ‖x‖) and SubCenterArcFaceLoss with W (d, C·k) as columns, or insightface's CombinedMarginLoss + DistCrossEntropy with W (C, d) as rows. x (B, d) embeddings, labels (B) class ids from 0. Returns loss, per_element, logits, cosines, theta (θ_y), target_cosine, target_logit, exact gradients grad.x and grad.W, and report.",
  arities: [[3, 4]],
  options: MARGIN_HEAD_OPTIONS,
  example: 'h = margin_head([[1, 2, 3], [3, 1, 0]], [[1, 0, 2], [0, 1, 1], [1, 1, 0]], [0, 2], {head: "cosface", scale: 16})',
  call: (args, { math }) => {
    const { positional, options } = splitOptions(MARGIN_HEAD, args, [3]);
    const call = headCall(readOptions(fn, options, MARGIN_HEAD_OPTIONS));
    const x = tensorArg(fn, 'x', positional[0]);
    const W = tensorArg(fn, 'W', positional[1]);
    const labels = tensorArg(fn, 'labels', positional[2]);
    let result: MarginHeadResult;
    try {
      result =
        call.library === 'pml'
          ? pmlMarginLoss(x, W, labels, { kind: call.kind, ...(call.margin !== undefined ? { margin: call.margin } : {}), ...(call.scale !== undefined ? { scale: call.scale } : {}), ...(call.subCenters !== undefined ? { subCenters: call.subCenters } : {}) })
          : combinedMarginLoss(x, W, labels, call.options);
    } catch (error) {
      throw inCellWords(error);
    }
    const value: Record<string, unknown> = {
      loss: result.loss,
      per_element: out(math, result.losses),
      logits: out(math, result.logits),
      cosines: out(math, result.cosines),
      theta: out(math, result.angles),
      target_cosine: out(math, result.targetCosines),
      target_logit: out(math, result.targetLogits),
      ...(result.sphereK !== undefined ? { k: out(math, result.sphereK) } : {}),
      // Sub-centres as 1-based positions within their class, as cells index.
      ...(result.subCentre !== undefined ? { sub_centre: out(math, { shape: result.subCentre.shape, data: result.subCentre.data.map((j) => j + 1) }) } : {}),
      grad: { x: out(math, result.grad.x), W: out(math, result.grad.W) },
      report: {
        library: call.library,
        clamped_cosines: result.report.clampedCosines,
        past_pi_minus_m: result.report.pastPiMinusM,
        floored_rows: result.report.flooredRows,
        filtered: result.report.filtered,
        gradient_is_true: result.report.gradientIsTrue,
        margin_radians: result.report.marginRadians,
      },
    };
    Object.defineProperty(value, LOSS_MARK, { value: fn, enumerable: false });
    return value;
  },
};

export const MARGIN_BUILTINS: readonly ValueBuiltin[] = [MARGIN_HEAD];
