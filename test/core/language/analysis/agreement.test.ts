import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCell } from '../../../../src/core/language/analysis/diagnostics';
import { optionKeysOf, parseSignature } from '../../../../src/core/language/analysis/signatures';
import { analysisSandbox, LOSSLAB_FUNCTIONS, type KnownFunction } from '../../../../src/core/language/analysis/symbols';
import { BLOCKED_IDENTIFIERS } from '../../../../src/core/language/sandbox';
import { SCALAR_FUNCTIONS } from '../../../../src/core/language/scalars';
import { Session, type CellOutput } from '../../../../src/core/language/session';

/**
 * The editor and the runtime agree: every signature the analysis documents, at every argument
 * count it accepts, with every option its option object names, runs in a real Session without an
 * error; and so does every quick fix the analysis offers for a misspelt option, option value or
 * function. (The quick fix once turned focal(0.3, 1, {gama: 2}) into a call the scalar form
 * rejected.)
 */

/** Variables every call below may use; the analysis sees this cell as the notebook's first. */
const SETUP = [
  'pred = [[1.2, -0.3, 0.1], [0.5, 2, -1]]',
  'onehot = [[1, 0, 0], [0, 1, 0]]',
  'label = [0, 3]',
  'score = [0.8, 0]',
  'soft = [[0.6, 0, 0], [0, 0.3, 0]]',
  'reg = [[9.38, 9.29, 4.48, 2.55], [1, 2, 3, 4]]',
  'dist_target = [0.4, 2.5]',
  'boxes_a = [[0, 0, 2, 2], [1, 1, 3, 4]]',
  'boxes_b = [[1, 1, 3, 3], [0, 0, 3, 3]]',
  'points = [[10, 10], [4, 4]]',
  'distances = [[2, 3, 4, 5], [1, 1, 1, 1]]',
  'emb = [[0, 0], [0, 1], [0.5, 0], [3, 1]]',
  'emb_labels = [0, 0, 1, 1]',
  'emb_tuples = mine(emb, emb_labels)',
  'x = [[1, 2, 3], [0, 1, 0]]',
  'W = [[1, 4], [2, 5], [3, 6]]',
  'arc_labels = [0, 1]',
  // margin_head: W (6, 6) reads as pml's (d, C·k) with 3 sub-centres of 2 classes, and as insightface's (C, d).
  'mx = [[1, 2, 3, 0, 1, 2], [0, 1, 0, 2, 1, 1]]',
  'mW = reshape(map(1:36, sin), [6, 6])',
  'ta = [[0, 0], [1, 1]]',
  'tp = [[0, 1], [1, 2]]',
  'tn = [[2, 0], [1, 1.5]]',
  'data = {cls: [[0.1, -1], [2, 0.5]], reg: zeros(2, 68), points: [[4, 4], [12, 4]], labels: [0, 2], gt_boxes: [[0, 0, 16, 16], [0, 0, 0, 0]]}',
  'g = gfl(data, {stride: 8})',
  'beta = 2',
  's = 0.4',
  // A raw GFL head of an 8×8 image: every one of the five levels is 1×1, so a literal stacks them.
  'raw = {cls_scores: zeros(5, 1, 2, 1, 1), bbox_preds: zeros(5, 1, 68, 1, 1), gt_bboxes: [[[1, 1, 7, 7]]], gt_labels: [[1]], img_shape: [8, 8]}',
  'raw_out = {cls_scores: zeros(5, 1, 2, 1, 1), bbox_preds: zeros(5, 1, 68, 1, 1)}',
  'rh = gfl_head(raw)',
  'raw_gt = {gt_bboxes: [[[1, 1, 7, 7]]], gt_labels: [[1]], img_shape: [8, 8]}',
  // Raw YOLOv8 maps of an 8×8 image: its three levels are all 1×1, so a literal stacks them.
  'yolo_feats = zeros(3, 1, 66, 1, 1)',
  'yolo_batch = {batch_idx: [0], cls: [1], bboxes: [[0.5, 0.5, 0.5, 0.5]]}',
  'yolo = {feats: yolo_feats, gt_bboxes: [[[0, 0, 8, 8]]], gt_labels: [[1]]}',
].join('\n');

/** A plausible argument for each parameter, by `function.parameter` first, then by parameter name. */
const ARGUMENTS: Readonly<Record<string, string>> = {
  pred: 'pred',
  target: 'onehot',
  'qfl.target': 'soft',
  label: 'label',
  score: 'score',
  'dfl.pred': 'reg',
  'dfl.target': 'dist_target',
  'giou.pred': 'boxes_a',
  'giou.target': 'boxes_b',
  'integral.pred': 'reg',
  data: 'data',
  'gfl_head.data': 'raw',
  outputs: 'raw_out',
  targets: 'raw_gt',
  'yolov8_loss.data': 'yolo',
  feats: 'yolo_feats',
  batch: 'yolo_batch',
  'table.data': '{loss: [0.1, 0.5], iou: [0.9, 0.2]}',
  x: 'x',
  W: 'W',
  'arcface.labels': 'arc_labels',
  'margin_head.x': 'mx',
  'margin_head.W': 'mW',
  'margin_head.labels': 'arc_labels',
  'angle_hist.x': 'mx',
  'angle_hist.W': 'mW',
  'angle_hist.labels': 'arc_labels',
  emb: 'emb',
  anchor: 'ta',
  positive: 'tp',
  negative: 'tn',
  embeddings: 'emb',
  labels: 'emb_labels',
  'margin = 0.3': '0.3',
  p: '0.3',
  y: '1',
  'alpha = 0.25': '0.25',
  'gamma = 2': '2',
  sigma: '0.4',
  'beta = 2': '2',
  z: '[0, 1, 2, 1]',
  'softmax.z': 'pred',
  d_ap: '1',
  d_an: '0.5',
  'margin = 1': '0.2',
  theta: '1',
  m: '0.5',
  'entropy.p': '[0.5, 0.5]',
  a: 'boxes_a',
  b: 'boxes_b',
  points: 'points',
  distances: 'distances',
  boxes: 'boxes_b',
  'max_dis = unclamped': '16',
  'eps = 0.1': '0.1',
  reg_max: '16',
  convention: '"mmdetection"',
  path: '"export.npz"',
  pred_path: '"pred.npy"',
  label_path: '"label.npy"',
  score_path: '"score.npy"',
  value: '"loss"',
  '…': '0.25',
  expression: 'qfl(s, 0.5)',
  variable: 's',
  from: '0.1',
  to: '0.9',
  'heatmap.x': 's',
  x0: '0.1',
  x1: '0.9',
  'heatmap.y': 't',
  y0: '0',
  y1: '1',
  'heatmap.expression': 'qfl(s, t)',
  matrix: 'onehot',
  logits: '[0, 1, 2, 1]',
  'dist.target': '2.3',
  values: '[1, 2, 2, 3]',
  'scatter.points': 'emb',
  'at = its value': '0.3',
  min: '0',
  max: '4',
  'step = (max − min) / 100': '0.1',
  g_or_values: 'g',
  points_or_shape: '[1, 2]',
  g: 'g',
  'sides.anchor': '2',
  head: 'rh',
  raw: 'raw',
  'metric_loss.tuples': 'emb_tuples',
};

/** Option values where the default is not a plausible one, by `function.key` first, then by key. */
const OPTION_VALUES: Readonly<Record<string, string>> = {
  weight: '[1, 2]',
  avg_factor: '2',
  'dfl.bins': '4',
  'qfl_stream.chunk_rows': '16',
  dim: '2',
  stride: '8',
  'gfl.loss_weight': '{cls: 1, bbox: 2, dfl: 0.25}',
  over: '{b: [1, 2]}',
  sliders: '{beta: [0, 4]}',
  'margins_plot.sliders': 'true',
  names: '["curve"]',
  title: '"a title"',
  x_label: '"x"',
  y_label: '"y"',
  z_label: '"z"',
  range: '[0, 4]',
  labels: 'emb_labels',
  centres: '[[1, 0], [0, 1]]',
  margin: '0.5',
  margin_max: '1',
  columns: '["a", "b"]',
  'table.by': '"loss"',
  'margin_head.scale': '16',
  'sides.reg_max': '16',
  'points': '11',
  'gfl_head.num_classes': '2',
  'gfl_head.strides': '[8, 16, 32, 64, 128]',
  'gfl_head.loss_weight': '{cls: 1, bbox: 2, dfl: 0.25}',
  'gfl_head.img_shape': '[8, 8]',
  'yolov8_loss.num_classes': '2',
  'yolov8_loss.strides': '[8, 16, 32]',
  'yolov8_loss.img_shape': '[8, 8]',
  image: '1',
  level: '1',
  anchor: '1',
  'metric_loss.miner': '"batch_hard"',
  'mine.allowed_pos_range': '[0, 2]',
  'mine.allowed_neg_range': '[0, 2]',
  reducer_low: '0.01',
  reducer_high: '2',
};

/** Option objects that need a companion key (reg_max needs its convention), in place of the key alone. */
const OPTION_OBJECTS: Readonly<Record<string, readonly string[]>> = {
  'dfl.reg_max': ['{reg_max: 3, convention: "mmdetection"}', '{reg_max: 4, convention: "ultralytics"}'],
  'dfl.convention': ['{reg_max: 3, convention: "mmdetection"}', '{reg_max: 4, convention: "ultralytics"}'],
  'mine.pos_strategy': ['{pos_strategy: "easy"}', '{pos_strategy: "hard"}', '{pos_strategy: "all", neg_strategy: "hard"}', '{pos_strategy: "semihard", neg_strategy: "hard"}'],
  'metric_loss.reducer': ['{reducer: "mean"}', '{reducer: "avg_non_zero"}', '{reducer: "threshold", reducer_low: 0.01}'],
};

/** Keys every option object of a function carries (gfl needs its stride; sides' positive anchors too). */
const BASE_OPTIONS: Readonly<Record<string, string>> = { gfl: 'stride: 8', sides: 'stride: 8' };

function argument(fn: string, label: string): string {
  const value = ARGUMENTS[`${fn}.${label}`] ?? ARGUMENTS[label];
  assert.ok(value !== undefined, `no plausible argument for ${fn}'s parameter '${label}': add one to ARGUMENTS`);
  return value;
}

/** Every option object worth running for a key: each allowed string, else the default, else a plausible value. */
function optionObjects(fn: KnownFunction, key: string, before: readonly string[]): string[] {
  const special = OPTION_OBJECTS[`${fn.name}.${key}`];
  if (special !== undefined) return [...special];
  const spec = fn.options.find((o) => o.key === key);
  assert.ok(spec !== undefined, `${fn.name}: the signature names '${key}', which is not one of its options`);
  const given = OPTION_VALUES[`${fn.name}.${key}`] ?? OPTION_VALUES[key];
  const values =
    spec.values !== undefined ? spec.values.map((v) => JSON.stringify(v)) : given !== undefined ? [given] : spec.default !== undefined ? [JSON.stringify(spec.default)] : [];
  assert.ok(values.length > 0, `no plausible value for ${fn.name}'s option '${key}': add one to OPTION_VALUES`);
  // A raw head's result carries its levels' strides: its signatures take no stride.
  const base = before[0] === ARGUMENTS.head ? undefined : BASE_OPTIONS[fn.name];
  return values.map((v) => `{${base !== undefined && !base.startsWith(`${key}:`) ? `${base}, ` : ''}${key}: ${v}}`);
}

/** The calls that exercise one signature: each argument count from its required ones up, and each option. */
function callsOf(fn: KnownFunction, signature: string): { calls: string[]; counts: Set<number> } {
  const parameters = parseSignature(signature).parameters;
  const positional = parameters.filter((p) => !p.isOptions);
  // print's … may be left out; gfl's option object may not (it carries the stride).
  const least = Math.min(...(fn.arities ?? [[0, 0]]).map(([a]) => a));
  const required = Math.max(least, positional.filter((p) => !p.optional && p.label !== '…').length);
  const args = positional.map((p) => argument(fn.name, p.label));
  const calls: string[] = [];
  const counts = new Set<number>();
  for (let n = Math.min(required, positional.length + 1); n <= positional.length; n++) {
    calls.push(`${fn.name}(${args.slice(0, n).join(', ')})`);
    counts.add(n);
  }
  // A variadic last parameter (print's …) takes every count up to the most the function accepts.
  if (positional[positional.length - 1]?.label === '…') {
    const most = Math.max(...(fn.arities ?? [[0, 0]]).map(([, b]) => b));
    for (let n = positional.length + 1; n <= most; n++) counts.add(n);
    calls.push(`${fn.name}(${[...args, ...args.slice(-1)].join(', ')})`);
  }
  const options = parameters.find((p) => p.isOptions);
  if (options !== undefined) {
    const before = args.slice(0, positional.length);
    for (const key of optionKeysOf(options)) {
      for (const object of optionObjects(fn, key, before)) calls.push(`${fn.name}(${[...before, object].join(', ')})`);
    }
    counts.add(positional.length + 1);
  }
  return { calls, counts };
}

/** A fresh session with the variables of SETUP and stand-ins for the host's file access. */
function setupSession(): Session {
  const session = new Session({
    load: () => ({ a: [1, 2] }),
    stream: () => ({ loss: 0.5, rows: 2, classes: 3, chunks: 1 }),
  });
  const failed = session.runCell(SETUP).filter((o) => o.kind === 'error');
  assert.deepEqual(failed, [], 'the set-up cell runs');
  return session;
}

function runErrors(session: Session, call: string): CellOutput[] {
  return session.runCell(call).filter((o) => o.kind === 'error');
}

/** The scalar forms that take their trailing parameters as options too, under the names cells call them. */
const SCALAR_OPTION_FORMS = SCALAR_FUNCTIONS.filter((f) => f.optionsFrom !== undefined).flatMap((f) =>
  (f.name === 'triplet_hinge' ? ['triplet', 'triplet_hinge'] : [f.name]).map((name) => ({ name, scalar: f })),
);

describe('the editor and the runtime agree', () => {
  const session = setupSession();

  it('every function a session defines is documented for the editor, which learns them from the tables, not from a Session', () => {
    const plain = analysisSandbox().math as unknown as Record<string, unknown>;
    const defined = new Session().math as unknown as Record<string, unknown>;
    const documented = new Set(LOSSLAB_FUNCTIONS.map((f) => f.name));
    const undocumented = Object.keys(defined).filter(
      (name) => typeof defined[name] === 'function' && !(name in plain) && !documented.has(name) && !BLOCKED_IDENTIFIERS.has(name),
    );
    assert.deepEqual(undocumented, []);
  });

  for (const fn of LOSSLAB_FUNCTIONS) {
    it(`${fn.name}: every signature, argument count and option runs, and the editor accepts it`, () => {
      const exercised = new Set<number>();
      for (const signature of fn.signatures) {
        const { calls, counts } = callsOf(fn, signature);
        for (const n of counts) {
          assert.ok(fn.arities?.some(([a, b]) => a <= n && n <= b), `${signature}: the editor refuses ${n} arguments`);
          exercised.add(n);
        }
        for (const call of calls) {
          assert.deepEqual(validateCell(call, [SETUP]), [], `the editor flags ${call}`);
          assert.deepEqual(runErrors(session, call), [], `${call} fails when run`);
        }
      }
      // No argument count the editor accepts is left without a documented signature that takes it.
      for (const [a, b] of fn.arities ?? []) {
        for (let n = a; n <= b; n++) assert.ok(exercised.has(n), `${fn.name} accepts ${n} arguments in the editor, but no signature takes ${n}`);
      }
    });
  }

  for (const { name, scalar } of SCALAR_OPTION_FORMS) {
    it(`${name}: the scalar form takes its trailing parameters as an option object, as the editor offers`, () => {
      const fixed = scalar.parameters.slice(0, scalar.optionsFrom).map((p) => argument(name, p));
      for (const key of scalar.parameters.slice(scalar.optionsFrom)) {
        const positional = argument(scalar.name, `${key} = ${key === 'margin' ? 1 : key === 'alpha' ? 0.25 : 2}`);
        const call = `${name}(${fixed.join(', ')}, {${key}: ${positional}})`;
        assert.deepEqual(validateCell(call, [SETUP]), [], `the editor flags ${call}`);
        assert.deepEqual(runErrors(session, call), [], `${call} fails when run`);
        // The same value, given by name or by position, is the same call.
        const byPosition = `${name}(${[...fixed, ...scalar.parameters.slice(scalar.optionsFrom!, scalar.parameters.indexOf(key) + 1).map((p) => (p === key ? positional : 'NaN'))].join(', ')})`;
        if (!byPosition.includes('NaN')) assert.deepEqual(session.runCell(call), session.runCell(byPosition), `${call} ≠ ${byPosition}`);
      }
    });
  }
});

/** Applies a quick fix to a text. */
const applyFix = (text: string, fix: { start: number; end: number; newText: string }): string => text.slice(0, fix.start) + fix.newText + text.slice(fix.end);

/** A misspelling one edit away: the last letter doubled. */
const typo = (word: string): string => word + word.slice(-1);

describe('every quick fix the editor offers runs', () => {
  const session = setupSession();

  /** Misspells `wrong` inside `call`, checks the editor offers `right` among its fixes, and runs every fix. */
  function checkFixes(call: string, right: string, wrong: string, at: number): void {
    const broken = call.slice(0, at) + wrong + call.slice(at + right.length);
    const fixes = validateCell(broken, [SETUP]).flatMap((d) => d.fixes);
    const outputs = fixes.map((fix) => applyFix(broken, fix));
    assert.ok(outputs.includes(call), `${broken}: no fix gives back ${call} (fixes: ${JSON.stringify(outputs)})`);
    for (const fixed of outputs) assert.deepEqual(runErrors(session, fixed), [], `the quick fix ${broken} → ${fixed} fails when run`);
  }

  for (const fn of LOSSLAB_FUNCTIONS.filter((f) => f.options.length > 0)) {
    it(`${fn.name}: misspelt option keys and values`, () => {
      for (const signature of fn.signatures) {
        const options = parseSignature(signature).parameters.find((p) => p.isOptions);
        if (options === undefined) continue;
        const { calls } = callsOf(fn, signature);
        for (const call of calls.filter((c) => c.endsWith('})'))) {
          const object = call.slice(call.lastIndexOf('{'));
          const key = /(\w+):\s*[^,}]*\}\)$/.exec(object)?.[1];
          if (key === undefined) continue;
          const keyAt = call.lastIndexOf(`${key}:`);
          checkFixes(call, key, typo(key), keyAt);
          const value = /"(\w+)"\}\)$/.exec(call)?.[1];
          // Free-form strings (titles, labels) have no fix; strings from a list do.
          const listed = fn.options.find((o) => o.key === key)?.values !== undefined;
          if (value !== undefined && listed) checkFixes(call, value, typo(value), call.lastIndexOf(`"${value}"`) + 1);
        }
      }
    });
  }

  for (const { name, scalar } of SCALAR_OPTION_FORMS.filter((f) => LOSSLAB_FUNCTIONS.some((l) => l.name === f.name && l.options.length > 0))) {
    it(`${name}(…scalars, {${scalar.parameters.slice(scalar.optionsFrom).join(', ')}}): a misspelt key's fix runs`, () => {
      const fixed = scalar.parameters.slice(0, scalar.optionsFrom).map((p) => argument(name, p));
      for (const key of scalar.parameters.slice(scalar.optionsFrom)) {
        const call = `${name}(${fixed.join(', ')}, {${key}: ${argument(scalar.name, `${key} = ${key === 'margin' ? 1 : key === 'alpha' ? 0.25 : 2}`)}})`;
        checkFixes(call, key, typo(key), call.lastIndexOf(`${key}:`));
      }
    });
  }

  it('a misspelt LossLab function is fixed to a call that runs', () => {
    for (const fn of LOSSLAB_FUNCTIONS.filter((f) => f.name.length > 3)) {
      const { calls } = callsOf(fn, fn.signatures[0]);
      const call = calls[0];
      checkFixes(call, fn.name, typo(fn.name), 0);
    }
  });
});
