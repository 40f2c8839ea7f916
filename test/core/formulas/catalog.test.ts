import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { binCount } from '../../../src/core/distributions';
import { entryCells, FORMULA_BY_ID, FORMULA_CATALOG, paperLink } from '../../../src/core/formulas/catalog';
import { BUILTINS_BY_NAME } from '../../../src/core/language/builtins';
import type { OptionSpec } from '../../../src/core/language/options';
import { Session } from '../../../src/core/language/session';

/** A GFL level with reg_max 16 (17 bins per side), handed to the session through `load`. */
function gflData(): Record<string, unknown> {
  const reg = [0, 1].map((row) => Array.from({ length: 68 }, (_, i) => Math.sin(i * 0.7 + row) * 2));
  return { cls: [[2, -1], [-3, -2]], reg, points: [[40, 40], [16, 16]], labels: [0, 2], gt_boxes: [[8, 8, 90, 70], [0, 0, 0, 0]] };
}

/** One session for every probe (creating a mathjs instance is the slow part); `load` serves the GFL level. */
const shared = new Session({ load: () => gflData() });

/** Evaluates one expression in the shared session; its numeric value, or the error message. */
function evaluate(source: string): number | string {
  const outputs = shared.runCell(`result = ${source}`);
  const error = outputs.find((o) => o.kind === 'error');
  if (error !== undefined && error.kind === 'error') return `error: ${error.message}`;
  const value = shared.scope.get('result');
  assert.equal(typeof value, 'number', `${source} should give a number`);
  shared.scope.delete('result');
  return value as number;
}

const literal = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

const E = '[[0, 0], [0, 1], [1.2, 0], [1.2, 1], [0.6, 0.5]]';
const L = '[0, 0, 1, 1, 0]';

/**
 * How to observe each LossLab default: an expression of the options (`o` is the inside of an
 * option object, possibly empty), and a different value that must change the result, so the probe
 * can tell the option is read at all.
 */
type Probe = { expr: (o: string) => string; other: unknown };
const focal: Probe['expr'] = (o) => `focal([[2, -1], [0.5, 3]], [[1, 0], [0, 1]], {${o}}).loss`;
const qfl: Probe['expr'] = (o) => `qfl([[0.7, 0.3, 0.1], [0.2, 0.4, 0.9]], [1, 0], [0.8, 0.6], {${o}}).loss`;
const arc = (base: string): Probe['expr'] => (o) => `arcface([[1, 2, 3], [-1, -2, -3]], [[1, 4], [2, 5], [3, 6]], [1, 0], {${[base, o].filter(Boolean).join(', ')}}).loss`;
const trip: Probe['expr'] = (o) => `triplet([[0, 0], [1, 1]], [[0, 1], [1, 2.5]], [[0.5, 1.5], [1.2, 1.5]], {${o}}).loss`;
const mine = (fn: string): Probe['expr'] => (o) => `${fn}(${E}, ${L}, {${o}}).loss`;
const gfl: Probe['expr'] = (o) => `gfl(load("level.npz"), {${['stride: 8', o].filter(Boolean).join(', ')}}).loss`;

/** One level of raw YOLOv8 maps (logits that vary) and one GT box; reg_max 8 gets its 4·8 box channels. */
const rawYolo = (o: string): string => {
  const channels = (o.includes('reg_max: 8') ? 32 : 64) + 2;
  const options = ['strides: [8]', o].filter(Boolean).join(', ');
  return `yolov8_loss({feats: [reshape(map(1:${channels * 16}, sin), [1, ${channels}, 4, 4])], gt_bboxes: [[[2, 2, 20, 18]]], gt_labels: [[1]]}, {${options}}).total`;
};

/** One level of a raw GFL head and one GT box; reg_max 7 gets its 4·8 distribution channels. */
const rawHead = (o: string): string => {
  const channels = o.includes('reg_max: 7') ? 32 : 68;
  const options = ['strides: [8]', o].filter(Boolean).join(', ');
  return `gfl_head({cls_scores: [zeros(1, 2, 4, 4) + 0.5], bbox_preds: [zeros(1, ${channels}, 4, 4)], gt_bboxes: [[[2, 2, 20, 18]]], gt_labels: [[1]], img_shape: [32, 32]}, {${options}}).loss`;
};

/** margin_head on two rows; IF_W's first centre puts row 1's target past π − 0.5, where arc_form shows at a scale small enough to stay above the 1e-30 floor. */
const PML_W = '[[1, 0, 2], [0, 1, 1]]';
const IF_W = '[[-1, 0.05], [0.2, 1], [0.9, 0.5]]';
const marginHead = (base: string, W: string): Probe['expr'] => (o) => `margin_head([[1, 0.2], [0.3, 1]], ${W}, [0, 1], {${[base, o].filter(Boolean).join(', ')}}).loss`;
/** mine and metric_loss with some options fixed (`base`) before the probed one. */
const metric = (fn: 'mine' | 'metric_loss', field: string, base = ''): Probe['expr'] => (o) => `${fn}(${E}, ${L}, {${[base, o].filter(Boolean).join(', ')}}).${field}`;

const PROBES: Readonly<Record<string, Probe>> = {
  'mine.miner': { expr: (o) => `sum(mine(${E}, ${L}, {${o}}).p)`, other: 'batch_hard' },
  'mine.margin': { expr: metric('mine', 'num_triplets'), other: 5 },
  'mine.type_of_triplets': { expr: metric('mine', 'num_triplets'), other: 'easy' },
  'mine.epsilon': { expr: metric('mine', 'num_neg_pairs', 'miner: "multi_similarity"'), other: 1 },
  'mine.pos_margin': { expr: metric('mine', 'num_pos_pairs', 'miner: "pair_margin"'), other: 1.5 },
  'mine.neg_margin': { expr: metric('mine', 'num_neg_pairs', 'miner: "pair_margin"'), other: 0.1 },
  'metric_loss.loss': { expr: metric('metric_loss', 'loss'), other: 'contrastive' },
  'metric_loss.margin': { expr: metric('metric_loss', 'loss'), other: 0.5 },
  'metric_loss.swap': { expr: metric('metric_loss', 'loss', 'margin: 1'), other: true },
  'metric_loss.smooth_loss': { expr: metric('metric_loss', 'loss'), other: true },
  'metric_loss.pos_margin': { expr: metric('metric_loss', 'loss', 'loss: "contrastive"'), other: 0.1 },
  'metric_loss.neg_margin': { expr: metric('metric_loss', 'loss', 'loss: "contrastive"'), other: 1.5 },
  'metric_loss.alpha': { expr: metric('metric_loss', 'loss', 'loss: "multi_similarity"'), other: 5 },
  'metric_loss.beta': { expr: metric('metric_loss', 'loss', 'loss: "multi_similarity"'), other: 10 },
  'metric_loss.base': { expr: metric('metric_loss', 'loss', 'loss: "multi_similarity"'), other: 0.2 },
  'focal.alpha': { expr: focal, other: 0.5 },
  'focal.gamma': { expr: focal, other: 1 },
  'focal.reduction': { expr: focal, other: 'sum' },
  'qfl.beta': { expr: qfl, other: 1.5 },
  'qfl.activated': { expr: qfl, other: true },
  'qfl.background': { expr: qfl, other: 'first' },
  'qfl.reduction': { expr: qfl, other: 'sum' },
  'dfl.reduction': { expr: (o) => `dfl([[1, 2, 0.5, -1], [0, 0, 3, 1]], [0.4, 2.5], {${['bins: 4', o].filter(Boolean).join(', ')}}).loss`, other: 'sum' },
  'yolov8_loss.reg_max': { expr: rawYolo, other: 8 },
  'yolov8_loss.box': { expr: rawYolo, other: 1 },
  'yolov8_loss.cls': { expr: rawYolo, other: 1 },
  'yolov8_loss.dfl': { expr: rawYolo, other: 1 },
  'yolov8_loss.topk': { expr: rawYolo, other: 3 },
  'yolov8_loss.alpha': { expr: rawYolo, other: 2 },
  'yolov8_loss.beta': { expr: rawYolo, other: 1 },
  'gfl_head.reg_max': { expr: rawHead, other: 7 },
  'gfl_head.octave_base_scale': { expr: rawHead, other: 4 },
  'gfl_head.topk': { expr: rawHead, other: 3 },
  'gfl_head.beta': { expr: rawHead, other: 1 },
  'gfl_head.giou_eps': { expr: rawHead, other: 1000 },
  'gfl.reg_max': { expr: gfl, other: 4 },
  'gfl.beta': { expr: gfl, other: 1 },
  'gfl.background': { expr: gfl, other: 'first' },
  'giou.eps': { expr: (o) => `giou([[0, 0, 2, 2], [0, 0, 1, 1]], [[1, 1, 3, 3], [1, 0, 2, 1]], {${o}}).loss`, other: 10 },
  'giou.reduction': { expr: (o) => `giou([[0, 0, 2, 2], [0, 0, 1, 1]], [[1, 1, 3, 3], [1, 0, 2, 1]], {${o}}).loss`, other: 'sum' },
  'iou.mode': { expr: (o) => `sum(iou([[0, 0, 2, 2]], [[1, 1, 3, 3]], {${o}}))`, other: 'giou' },
  'iou.eps': { expr: (o) => `sum(iou([[0, 0, 2, 2]], [[1, 1, 3, 3]], {${o}}))`, other: 100 },
  'arcface.s': { expr: arc(''), other: 30 },
  'arcface.m': { expr: arc(''), other: 0.3 },
  'arcface.easy_margin': { expr: arc(''), other: true },
  'arcface.form': { expr: arc(''), other: 'paper' },
  'arcface.m1': { expr: arc('form: "combined"'), other: 2 },
  'arcface.m2': { expr: arc('form: "combined"'), other: 0.2 },
  'arcface.m3': { expr: arc('form: "combined"'), other: 0.35 },
  'arcface.reduction': { expr: arc(''), other: 'sum' },
  // outputs changes which results there are, not the loss: the probe counts the logits ('loss' has none).
  'arcface.outputs': { expr: (o) => `count(arcface([[1, 2, 3], [-1, -2, -3]], [[1, 4], [2, 5], [3, 6]], [1, 0], {${o}}).logits)`, other: 'loss' },
  'cosface.s': { expr: arc('m1: 1, m2: 0, m3: 0.35'), other: 30 },
  'triplet.margin': { expr: trip, other: 2 },
  'triplet.p': { expr: trip, other: 1 },
  'triplet.eps': { expr: trip, other: 0.1 },
  'triplet.swap': { expr: trip, other: true },
  'triplet.soft': { expr: trip, other: true },
  'triplet.reduction': { expr: trip, other: 'sum' },
  'batch_hard.margin': { expr: mine('batch_hard'), other: 1 },
  'batch_hard.soft': { expr: mine('batch_hard'), other: true },
  'batch_hard.distance': { expr: mine('batch_hard'), other: 'cosine' },
  'batch_all.margin': { expr: mine('batch_all'), other: 1 },
  'batch_all.soft': { expr: mine('batch_all'), other: true },
  'batch_all.distance': { expr: mine('batch_all'), other: 'cosine' },
  'semi_hard.margin': { expr: mine('semi_hard'), other: 1 },
  'semi_hard.distance': { expr: mine('semi_hard'), other: 'squared-euclidean' },
  'margin_head.head': { expr: marginHead('', PML_W), other: 'cosface' },
  'margin_head.sub_centers': { expr: marginHead('head: "subcenter_arcface"', '[[1, 0, 2, 0.5, 0.3, 1], [0, 1, 1, 2, 1, 0.2]]'), other: 2 },
  'margin_head.s': { expr: marginHead('head: "combined"', IF_W), other: 30 },
  'margin_head.m1': { expr: marginHead('head: "combined"', IF_W), other: 2 },
  'margin_head.m2': { expr: marginHead('head: "combined"', IF_W), other: 0.2 },
  'margin_head.m3': { expr: marginHead('head: "combined"', IF_W), other: 0.35 },
  'margin_head.interclass_filtering_threshold': { expr: marginHead('head: "combined", m3: 0.35', IF_W), other: 0.05 },
  'margin_head.arc_form': { expr: marginHead('head: "combined", s: 2', IF_W), other: 'threshold' },
  // census and bbox2distance take the parameter positionally.
  'census.margin': { expr: (o) => `census(${E}, ${L}${o === '' ? '' : `, ${o.split(': ')[1]}`}).semihard`, other: 2 },
  'bbox2distance.eps': { expr: (o) => `sum(bbox2distance([[10, 10]], [[8, 7, 40, 15]], 16${o === '' ? '' : `, ${o.split(': ')[1]}`}))`, other: 1 },
};

describe('formula catalog', () => {
  it('has unique ids and complete entries', () => {
    assert.equal(FORMULA_BY_ID.size, FORMULA_CATALOG.length);
    for (const entry of FORMULA_CATALOG) {
      assert.match(entry.id, /^[a-z_0-9]+$/, entry.id);
      for (const field of [entry.title, entry.latex, entry.unicode, entry.intuition, entry.notebookCell]) assert.ok(field.trim().length > 0, `${entry.id}: empty field`);
      assert.ok(entry.libraries.some((c) => c.aliases.length > 0), `${entry.id} has no alias`);
      for (const paper of entry.papers) {
        assert.match(paper.arxiv, /^\d{4}\.\d{4,5}$/, `${entry.id}: arXiv id`);
        assert.equal(paperLink(paper), `https://arxiv.org/abs/${paper.arxiv}`);
      }
    }
  });

  it('names the issue’s aliases', () => {
    const expected: Record<string, string[]> = {
      qfl: ['qfl', 'QualityFocalLoss', 'quality_focal_loss'],
      dfl: ['dfl', 'DistributionFocalLoss', 'distribution_focal_loss', 'DFLoss'],
      gfl: ['gfl', 'BboxLoss'],
      gfl_head: ['gfl_head', 'GFLHead', 'ATSSAssigner'],
      yolov8_loss: ['yolov8_loss', 'v8DetectionLoss', 'TaskAlignedAssigner'],
      integral: ['integral', 'Integral'],
      giou: ['giou', 'GIoULoss'],
      iou: ['iou'],
      focal: ['focal', 'FocalLoss', 'sigmoid_focal_loss'],
      varifocal: ['VarifocalLoss'],
      arcface: ['arcface', 'ArcFace', 'CombinedMarginLoss', 'ArcFaceLoss'],
      triplet: ['triplet', 'TripletMarginLoss', 'triplet_margin_loss', 'TripletMarginWithDistanceLoss'],
      batch_hard: ['batch_hard', 'BatchHardMiner'],
      batch_all: ['batch_all'],
      census: ['census', 'TripletMarginMiner'],
      margin_head: ['margin_head', 'ArcFaceLoss', 'CosFaceLoss', 'SphereFaceLoss', 'SubCenterArcFaceLoss', 'CombinedMarginLoss', 'ArcMarginProduct'],
      mine: ['mine', 'TripletMarginMiner', 'BatchHardMiner', 'BatchEasyHardMiner', 'MultiSimilarityMiner', 'PairMarginMiner'],
      metric_loss: ['metric_loss', 'TripletMarginLoss'],
      contrastive: ['ContrastiveLoss'],
      multi_similarity: ['MultiSimilarityLoss'],
      metric_distance: ['LpDistance', 'CosineSimilarity'],
      metric_reducer: ['AvgNonZeroReducer', 'ThresholdReducer', 'MeanReducer'],
    };
    for (const [id, aliases] of Object.entries(expected)) {
      const all = FORMULA_BY_ID.get(id)?.libraries.flatMap((c) => c.aliases) ?? [];
      for (const alias of aliases) assert.ok(all.includes(alias), `${id} lacks ${alias}`);
    }
  });

  it('gives TripletMarginLoss both its PyTorch and its pytorch-metric-learning conventions', () => {
    const triplet = FORMULA_BY_ID.get('triplet');
    const owners = triplet?.libraries.filter((c) => c.aliases.includes('TripletMarginLoss')).map((c) => c.library);
    assert.deepEqual(owners, ['pytorch', 'pytorch-metric-learning']);
    const margin = (library: string) => triplet?.libraries.find((c) => c.library === library)?.parameters.find((p) => p.name === 'margin')?.default;
    assert.equal(margin('pytorch'), '1.0');
    assert.equal(margin('pytorch-metric-learning'), '0.05');
  });

  describe('LossLab defaults match the core’s behaviour', () => {
    const withDefaults = FORMULA_CATALOG.flatMap((entry) =>
      entry.parameters.filter((p) => p.key !== undefined && p.default !== undefined).map((p) => ({ entry, parameter: p, name: `${entry.id}.${p.key}` })),
    );
    it('every default has a probe', () => {
      const missing = withDefaults.map((d) => d.name).filter((name) => !(name in PROBES));
      assert.deepEqual(missing, []);
    });
    for (const { parameter, name } of withDefaults) {
      const probe = PROBES[name];
      if (probe === undefined) continue;
      it(`${name} = ${literal(parameter.default)}`, () => {
        const implicit = evaluate(probe.expr(''));
        const explicit = evaluate(probe.expr(`${parameter.key}: ${literal(parameter.default)}`));
        const other = evaluate(probe.expr(`${parameter.key}: ${literal(probe.other)}`));
        assert.equal(typeof implicit, 'number', String(implicit));
        assert.equal(implicit, explicit);
        assert.notEqual(other, implicit, `${name}: the probe does not see the option`);
      });
    }
    it('agrees with the option defaults the language documents', () => {
      for (const entry of FORMULA_CATALOG) {
        const fn = BUILTINS_BY_NAME.get(entry.id);
        if (fn === undefined) continue;
        for (const parameter of entry.parameters) {
          const option: OptionSpec | undefined = fn.options.find((o) => o.key === parameter.key);
          if (option?.default !== undefined && parameter.default !== undefined) assert.equal(parameter.default, option.default, `${entry.id}.${parameter.key}`);
        }
      }
    });
    it('ArcFace s = 64, m = 0.5; focal α = 0.25, γ = 2; triplet margin 1, p 2, eps 1e-6; mining margin 0.3', () => {
      const d = (id: string, key: string) => FORMULA_BY_ID.get(id)?.parameters.find((p) => p.key === key)?.default;
      assert.deepEqual([d('arcface', 's'), d('arcface', 'm'), d('focal', 'alpha'), d('focal', 'gamma')], [64, 0.5, 0.25, 2]);
      assert.deepEqual([d('triplet', 'margin'), d('triplet', 'p'), d('triplet', 'eps'), d('batch_hard', 'margin'), d('qfl', 'beta')], [1, 2, 1e-6, 0.3, 2]);
    });
  });

  it('states reg_max conventions that binCount agrees with, and the targets’ clamps', () => {
    const entries = FORMULA_CATALOG.filter((e) => e.binConventions !== undefined);
    assert.ok(entries.some((e) => e.id === 'dfl'));
    for (const entry of entries) {
      for (const c of entry.binConventions ?? []) {
        assert.equal(binCount({ regMax: c.regMax, convention: c.library }), c.bins, `${entry.id} ${c.library}`);
      }
    }
    const [mmdet, ultra] = FORMULA_BY_ID.get('dfl')?.binConventions ?? [];
    assert.equal(mmdet.targetMax, mmdet.regMax - 0.1);
    assert.equal(ultra.targetMax, Number((ultra.regMax - 1 - 0.01).toFixed(2)));
    // mmdetection's clamp is bbox2distance(points, box, reg_max) with eps 0.1: check it in LossLab.
    assert.equal(evaluate('max(bbox2distance([[0, 0]], [[-100, -100, 100, 100]], 16))'), mmdet.targetMax);
  });

  describe('every notebook cell runs in a Session without errors', () => {
    for (const entry of FORMULA_CATALOG) {
      it(entry.id, () => {
        const outputs = new Session().runCell(entry.notebookCell);
        assert.deepEqual(outputs.filter((o) => o.kind === 'error'), []);
        assert.ok(outputs.length > 0);
        if (entry.category !== 'helper' || entry.id === 'iou') {
          const figure = outputs.find((o) => o.kind === 'figure');
          assert.ok(figure !== undefined && figure.kind === 'figure' && figure.spec.kind === 'curves', `${entry.id} should plot curves`);
          const curves = figure.spec.kind === 'curves' ? figure.spec : undefined;
          assert.ok(curves?.series.some((s) => s.grad !== undefined), `${entry.id} should plot a gradient`);
          assert.ok(curves?.sliders !== undefined && curves.sliders.length > 0, `${entry.id} should have sliders`);
        }
      });
    }
  });

  it('opens as a markdown cell naming the entry, then its plot cell', () => {
    const [markdown, code] = entryCells(FORMULA_BY_ID.get('qfl')!);
    assert.equal(markdown.kind, 'markdown');
    assert.match(markdown.source, /Quality Focal Loss/);
    assert.match(markdown.source, /arxiv\.org\/abs\/2006\.04388/);
    assert.deepEqual(code, { kind: 'code', source: FORMULA_BY_ID.get('qfl')!.notebookCell });
    assert.match(code.source, /plot\(qfl\(s, y, beta\), s, 0\.01, 0\.99, \{grad: true, sliders: \{beta: \[0, 4\], y: \[0, 1\]\}/);
  });
});
