import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { bbox2distance, boxOverlaps, distance2bbox } from '../../../../src/core/boxes';
import { integral } from '../../../../src/core/distributions';
import { BUILTINS, isFigureRoom } from '../../../../src/core/language/builtins';
import { lossName } from '../../../../src/core/language/builtins/marks';
import { Session, type CellOutput } from '../../../../src/core/language/session';
import { arcFaceLoss } from '../../../../src/core/losses/arcface';
import { distributionFocalLoss } from '../../../../src/core/losses/dfl';
import { sigmoidFocalLoss } from '../../../../src/core/losses/focal';
import { gflHeadLoss } from '../../../../src/core/losses/gfl';
import { giouLoss } from '../../../../src/core/losses/giou';
import { qualityFocalLoss } from '../../../../src/core/losses/qfl';
import { tripletMarginLoss } from '../../../../src/core/losses/triplet';
import { batchAll, batchHard, semiHardTriplets } from '../../../../src/core/mining';
import { toTensor, type Tensor } from '../../../../src/core/tensor';
import { createLoader } from '../../../../src/node/kernel/load';
import { createQflStreamHost } from '../../../../src/node/stream/qflStreamHost';
import { assertClose } from '../../../helpers/gradcheck';

/** A small GFL level: 2 anchors, 2 classes, reg_max 16 (17 bins per side); anchor 1 is background. */
const GFL_DATA = {
  cls: [[0.5, -1], [-2, 0.3]],
  reg: [Array.from({ length: 68 }, (_, i) => Math.sin(i)), Array.from({ length: 68 }, (_, i) => Math.cos(i))],
  points: [[8, 8], [24, 8]],
  labels: [0, 2],
  gt_boxes: [[0, 0, 20, 18], [0, 0, 1, 1]],
};

/** `qfl_stream` reads the small sample export in samples/data (the docs' examples name it so). */
const stream = createQflStreamHost({ resolvePath: (path) => resolve('samples', path) });
/**
 * A session whose load gives GFL_DATA for the small examples, and reads a bundled torch.save export
 * (samples/data/raw-*.pt, the detector heads' examples) from the samples folder as the kernel does.
 */
function newSession(): Session {
  let session: Session | undefined = undefined;
  const readSample = createLoader({ folder: 'samples', policy: () => ({ roots: ['samples'], trusted: true, maxBytes: 2 ** 31 }), math: () => session!.math, matrixLimit: () => session!.elementCap, onProgress: () => undefined });
  session = new Session({ load: (path) => (path.endsWith('.pt') ? readSample(path) : GFL_DATA), stream });
  return session;
}

/** Runs a cell and returns the value bound to `name`, failing on any error output. */
function evalCell(session: Session, source: string, name = 'r'): unknown {
  const outputs = session.runCell(source);
  const error = outputs.find((o): o is Extract<CellOutput, { kind: 'error' }> => o.kind === 'error');
  assert.equal(error, undefined, `${source}: ${error?.message}`);
  return session.scope.get(name);
}

function errorOf(session: Session, source: string): Extract<CellOutput, { kind: 'error' }> {
  const outputs = session.runCell(source);
  const last = outputs[outputs.length - 1];
  assert.equal(last?.kind, 'error', `${source} should fail: ${JSON.stringify(outputs)}`);
  return last as Extract<CellOutput, { kind: 'error' }>;
}

/** A language value (number, mathjs matrix, nested array) as a flat Float64Array. */
function flat(value: unknown): Float64Array {
  const plain = (value as { valueOf(): unknown }).valueOf();
  return typeof plain === 'number' ? Float64Array.of(plain) : Float64Array.from((plain as unknown[]).flat(4) as number[]);
}
const t = (nested: unknown): Tensor => toTensor('test', 'value', nested);
const sameAs = (label: string, got: unknown, want: Tensor | number): void =>
  assertClose(label, flat(got), typeof want === 'number' ? Float64Array.of(want) : want.data, { atol: 0, rtol: 0 });

type Record_ = Record<string, unknown>;

describe('BUILTINS: documentation', () => {
  it('every entry is documented and its example runs without error, a figure drawing its figure', () => {
    const session = newSession();
    for (const fn of BUILTINS) {
      assert.ok(fn.signatures.length > 0 && fn.signatures.every((s) => s.startsWith(`${fn.name}(`)), fn.name);
      assert.ok(fn.summary.length > 10, fn.name);
      assert.ok(fn.arities.length > 0 && fn.arities.every(([min, max]) => min <= max), fn.name);
      assert.ok(fn.example.includes(`${fn.name}(`), `${fn.name}'s example calls it`);
      for (const option of fn.options) {
        assert.ok(option.description.length > 0, `${fn.name}.${option.key}`);
        if (option.default !== undefined && option.type !== 'any') assert.equal(typeof option.default, option.type, `${fn.name}.${option.key}`);
        if (option.values !== undefined && option.default !== undefined) assert.ok(option.values.includes(option.default as string));
      }
      const outputs = session.runCell(fn.example);
      const draws = isFigureRoom(fn.room) && fn.name !== 'grad' && fn.name !== 'slider';
      assert.ok(outputs.length > 0 && outputs.every((o) => o.kind === (draws ? 'figure' : 'value')), `${fn.example}: ${JSON.stringify(outputs).slice(0, 300)}`);
    }
  });

  it('names are unique', () => {
    assert.equal(new Set(BUILTINS.map((f) => f.name)).size, BUILTINS.length);
  });

  it('refuses a wrong number of arguments with the signatures', () => {
    const session = newSession();
    for (const fn of BUILTINS.filter((f) => !isFigureRoom(f.room))) {
      const [[, max]] = fn.arities;
      const args = Array.from({ length: max + 1 }, () => '1').join(', ');
      const error = errorOf(session, `${fn.name}(${args})`);
      assert.equal(error.name, 'InputError', fn.name);
      assert.ok(error.message.startsWith(`${fn.name}: arguments should be`) && error.message.includes(fn.signatures[0]), error.message);
    }
  });
});

describe('losses: a language call equals the core call', () => {
  const pred = [[1.2, -0.3, 0.1], [-2, 0.7, 3.5]];

  it('focal (options, reductions, weights)', () => {
    const session = newSession();
    const target = [[1, 0, 0], [0, 0, 1]];
    for (const [options, core] of [
      ['{}', {}],
      ['{alpha: -1, gamma: 0}', { alpha: -1, gamma: 0 }],
      ['{alpha: 0.5, gamma: 1.5, reduction: "sum"}', { alpha: 0.5, gamma: 1.5, reduction: 'sum' as const }],
      ['{reduction: "none", weight: [1, 2]}', { reduction: 'none' as const, weight: t([1, 2]) }],
      ['{avg_factor: 4}', { avgFactor: 4 }],
    ] as const) {
      const r = evalCell(session, `r = focal(${JSON.stringify(pred)}, ${JSON.stringify(target)}, ${options})`) as Record_;
      const want = sigmoidFocalLoss(t(pred), t(target), { ...core, grad: true });
      assert.equal(lossName(r), 'focal');
      sameAs(`focal ${options} loss`, r.loss, want.loss);
      sameAs(`focal ${options} per_element`, r.per_element, want.perElement);
      sameAs(`focal ${options} grad`, (r.grad as Record_).pred, want.grad!.pred);
    }
  });

  it('qfl in the label/score and dense forms, with β, activated and background', () => {
    const session = newSession();
    const r = evalCell(session, `r = qfl(${JSON.stringify(pred)}, [1, 3], [0.8, 0], {beta: 1.5})`) as Record_;
    const want = qualityFocalLoss(t(pred), { label: t([1, 3]), score: t([0.8, 0]) }, { beta: 1.5, grad: true });
    sameAs('qfl loss', r.loss, want.loss);
    sameAs('qfl per_element', r.per_element, want.perElement);
    sameAs('qfl grad', (r.grad as Record_).pred, want.grad!.pred);

    const first = evalCell(session, `r = qfl(${JSON.stringify(pred)}, [0, 2], [0.8, 0.6], {background: "first", reduction: "sum"})`) as Record_;
    const wantFirst = qualityFocalLoss(t(pred), { label: t([0, 2]), score: t([0.8, 0.6]) }, { labelConvention: 'background-first', reduction: 'sum', grad: true });
    sameAs('qfl first', first.loss, wantFirst.loss);
    sameAs('qfl first grad', (first.grad as Record_).pred, wantFirst.grad!.pred);

    const dense = [[0, 0.8, 0], [0, 0, 0.3]];
    const probs = [[0.2, 0.7, 0.4], [0.1, 0.5, 0.9]];
    const d = evalCell(session, `r = qfl(${JSON.stringify(probs)}, ${JSON.stringify(dense)}, {activated: true, reduction: "none"})`) as Record_;
    const wantDense = qualityFocalLoss(t(probs), { dense: t(dense) }, { activated: true, reduction: 'none', grad: true });
    sameAs('qfl dense', d.loss, wantDense.loss);
    sameAs('qfl dense grad', (d.grad as Record_).pred, wantDense.grad!.pred);
  });

  it('focal, qfl and dfl pass precision: "float32" through, which changes the arithmetic', () => {
    const session = newSession();
    const logits = [[1.3, -0.7, 2.9], [0.11, -4.2, 0.5]];
    const r = evalCell(session, `r = focal(${JSON.stringify(logits)}, [[1, 0, 0], [0, 0, 1]], {precision: "float32"})`) as Record_;
    const want = sigmoidFocalLoss(t(logits), t([[1, 0, 0], [0, 0, 1]]), { precision: 'float32', grad: true });
    const wide = sigmoidFocalLoss(t(logits), t([[1, 0, 0], [0, 0, 1]]), { grad: true });
    sameAs('focal float32', r.loss, want.loss);
    sameAs('focal float32 grad', (r.grad as Record_).pred, want.grad!.pred);
    // float32 rounding is visible (else the option was dropped) and small.
    assert.notEqual(r.loss, wide.loss.data[0]);
    assert.ok(Math.abs((r.loss as number) - wide.loss.data[0]) < 1e-5 * wide.loss.data[0]);

    const q = evalCell(session, `r = qfl(${JSON.stringify(logits)}, [1, 3], [0.8, 0], {precision: "float32"})`) as Record_;
    const wantQ = qualityFocalLoss(t(logits), { label: t([1, 3]), score: t([0.8, 0]) }, { precision: 'float32', grad: true });
    const wideQ = qualityFocalLoss(t(logits), { label: t([1, 3]), score: t([0.8, 0]) }, { grad: true });
    sameAs('qfl float32', q.loss, wantQ.loss);
    assert.notEqual(q.loss, wideQ.loss.data[0]);
    assert.match(errorOf(session, 'focal([[1]], [[1]], {precision: "float16"})').message, /precision/);

    const bins = [[0.3, 2.1, -1.2, 0.4], [1.7, -0.2, 0.9, 0.05]];
    const d = evalCell(session, `r = dfl(${JSON.stringify(bins)}, [0.4, 2.5], {precision: "float32"})`) as Record_;
    const wantD = distributionFocalLoss(t(bins), t([0.4, 2.5]), { bins: 4, precision: 'float32', grad: true });
    const wideD = distributionFocalLoss(t(bins), t([0.4, 2.5]), { bins: 4, grad: true });
    sameAs('dfl float32', d.loss, wantD.loss);
    sameAs('dfl float32 grad', (d.grad as Record_).pred, wantD.grad!.pred);
    assert.notEqual(d.loss, wideD.loss.data[0]);
  });

  it('qfl equals its definition BCE(σ, y)·|y − σ|^β by hand', () => {
    const r = evalCell(newSession(), 'r = qfl([[1.2, -0.3, 0.1]], [1], [0.8], {beta: 2})') as Record_;
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    const y = [0, 0.8, 0];
    const want = [1.2, -0.3, 0.1].reduce((sum, x, j) => {
      const s = sig(x);
      return sum + (-y[j] * Math.log(s) - (1 - y[j]) * Math.log(1 - s)) * Math.abs(y[j] - s) ** 2;
    }, 0);
    assertClose('qfl by hand', Float64Array.of(r.loss as number), Float64Array.of(want), { atol: 1e-14, rtol: 1e-12 });
  });

  it("a loss's per_element and grad are ordinary mathjs matrices: size, 1-based indexing, arithmetic, changes in place", () => {
    const session = newSession();
    const pred = [[1.2, -0.3, 0.1], [0.5, 2, -1]];
    // label 3 is the background (C = 3): row 1 has the target 0.8 in column 2, row 2 none.
    const y = [[0, 0.8, 0], [0, 0, 0]];
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    // With reduction sum, BCE(σ, y)·(y − σ)² and its derivative (σ − y)(y − σ)² − 2·BCE·(y − σ)·σ(1 − σ), element by element.
    const bce = (x: number, t: number): number => -t * Math.log(sig(x)) - (1 - t) * Math.log(1 - sig(x));
    const lossByHand = pred.map((row, i) => row.map((x, j) => bce(x, y[i][j]) * (y[i][j] - sig(x)) ** 2));
    const gradByHand = pred.map((row, i) => row.map((x, j) => {
      const [s, t] = [sig(x), y[i][j]];
      return (s - t) * (t - s) ** 2 - 2 * bce(x, t) * (t - s) * s * (1 - s);
    }));
    const rowSums = lossByHand.map((row) => row.reduce((a, b) => a + b, 0));
    const close = (label: string, got: unknown, want: number): void => assertClose(label, flat(got), Float64Array.of(want), { atol: 1e-14, rtol: 1e-12 });
    const value = (source: string, name: string): unknown => evalCell(session, source, name);

    value(`pred = ${JSON.stringify(pred)}\nlabel = [1, 3]\nscore = [0.8, 0]\nr = qfl(pred, label, score, {beta: 2, reduction: "sum"})`, 'r');
    // The label/score form sums each row's classes: one loss per row.
    assert.deepEqual(flat(value('s = size(r.per_element)', 's')), Float64Array.of(2));
    assert.deepEqual(flat(value('s = size(r.grad.pred)', 's')), Float64Array.of(2, 3));
    close('r.per_element[2]', value('a = r.per_element[2]', 'a'), rowSums[1]);
    close('r.grad.pred[1, 2]', value('g = r.grad.pred[1, 2]', 'g'), gradByHand[0][1]);
    close('r.grad.pred[2, 3]', value('g = r.grad.pred[2, 3]', 'g'), gradByHand[1][2]);
    close('sum(2 r.per_element)', value('b = sum(r.per_element * 2)', 'b'), 2 * (rowSums[0] + rowSums[1]));
    close('sum(r.grad.pred)', value('b = sum(r.grad.pred)', 'b'), gradByHand.flat().reduce((a, b) => a + b, 0));

    // A change in place is what the next reader sees, a loss included, and a re-run starts afresh.
    value('r.grad.pred[1, 2] = 5\nr.per_element[1] = 7', 'r');
    close('after the change', value('c = r.grad.pred[1, 2]', 'c'), 5);
    close('sum after the change', value('d = sum(r.per_element)', 'd'), 7 + rowSums[1]);
    const changed = gradByHand.map((row) => [...row]);
    changed[0][1] = 5;
    close('sum of the changed grad', value('d = sum(r.grad.pred)', 'd'), changed.flat().reduce((a, b) => a + b, 0));
    // The same values as a plain mathjs matrix (computed from them) give the same loss.
    const backed = value('q = qfl(r.grad.pred, label, score, {beta: 2, reduction: "sum"}).loss', 'q');
    const plain = value('p = r.grad.pred * 1\nq = qfl(p, label, score, {beta: 2, reduction: "sum"}).loss', 'q');
    assert.equal(backed, plain);
    value('r = qfl(pred, label, score, {beta: 2, reduction: "sum"})', 'r');
    close('a re-run', value('a = r.grad.pred[1, 2]', 'a'), gradByHand[0][1]);
    close('a re-run', value('a = r.per_element[1]', 'a'), rowSums[0]);
  });

  it('dfl with bins and with reg_max + convention, and its extra fields', () => {
    const session = newSession();
    const logits = [[9.38, 9.29, 4.48, 2.55], [0.1, 0.2, 0.3, 0.4]];
    const r = evalCell(session, `r = dfl(${JSON.stringify(logits)}, [0.4, 3], {bins: 4})`) as Record_;
    const want = distributionFocalLoss(t(logits), t([0.4, 3]), { bins: 4, grad: true });
    sameAs('dfl loss', r.loss, want.loss);
    sameAs('dfl grad', (r.grad as Record_).pred, want.grad!.pred);
    sameAs('dfl expectation', r.expectation, want.expectation);
    sameAs('dfl entropy_floor', r.entropy_floor, want.entropyFloor);
    sameAs('dfl excess', r.excess, want.excess);
    const viaRegMax = evalCell(session, `r = dfl(${JSON.stringify(logits)}, [0.4, 3], {reg_max: 3, convention: "mmdetection"})`) as Record_;
    sameAs('dfl reg_max', viaRegMax.loss, want.loss);
    const ultra = evalCell(session, `r = dfl(${JSON.stringify(logits)}, [0.4, 3], {reg_max: 4, convention: "ultralytics"})`) as Record_;
    sameAs('dfl ultralytics', ultra.loss, want.loss);
    assert.match(errorOf(session, `dfl(${JSON.stringify(logits)}, [0.4, 3], {reg_max: 3})`).message, /convention/);
    assert.match(errorOf(session, `dfl(${JSON.stringify(logits)}, [0.4, 3], {reg_max: 3, bins: 4})`).message, /not both/);
    // The notebook's setting names the convention when the cell does not; an explicit one wins.
    const ultralyticsByDefault = new Session({ binConvention: 'ultralytics' });
    sameAs('dfl setting', (evalCell(ultralyticsByDefault, `r = dfl(${JSON.stringify(logits)}, [0.4, 3], {reg_max: 4})`) as Record_).loss, want.loss);
    assert.match(errorOf(ultralyticsByDefault, `dfl(${JSON.stringify(logits)}, [0.4, 3], {reg_max: 4, convention: "mmdetection"})`).message, /5 bins|shape/);
  });

  it('giou, with its iou and giou fields', () => {
    const boxes = [[0, 0, 2, 2], [1, 1, 4, 5]];
    const targets = [[1, 1, 3, 3], [0, 0, 4, 4]];
    const r = evalCell(newSession(), `r = giou(${JSON.stringify(boxes)}, ${JSON.stringify(targets)}, {eps: 1e-6, reduction: "sum"})`) as Record_;
    const want = giouLoss(t(boxes), t(targets), { eps: 1e-6, reduction: 'sum', grad: true });
    sameAs('giou loss', r.loss, want.loss);
    sameAs('giou grad', (r.grad as Record_).pred, want.grad!.pred);
    sameAs('giou iou', r.iou, want.iou);
    sameAs('giou giou', r.giou, want.giou);
    // Box 0 by hand: intersection 1, union 7, enclosure 9.
    assert.ok(Math.abs(flat(r.giou)[0] - (1 / 7 - 2 / 9)) < 1e-6);
  });

  it('gfl through load, with loss_weight', () => {
    const session = newSession();
    const g = evalCell(session, 'g = gfl(load("x.npz"), {stride: 8, loss_weight: {cls: 1, bbox: 2, dfl: 0.5}})', 'g') as Record_;
    const want = gflHeadLoss(
      { cls: t(GFL_DATA.cls), reg: t(GFL_DATA.reg), points: t(GFL_DATA.points), labels: t(GFL_DATA.labels), gtBoxes: t(GFL_DATA.gt_boxes) },
      { stride: 8, lossWeight: { cls: 1, bbox: 2, dfl: 0.5 }, grad: true },
    );
    assert.equal(g.loss_cls, want.lossCls);
    assert.equal(g.loss_bbox, want.lossBbox);
    assert.equal(g.loss_dfl, want.lossDfl);
    assert.equal(g.num_positives, 1);
    sameAs('gfl grad cls', (g.grad as Record_).cls, want.grad!.cls);
    sameAs('gfl grad reg', (g.grad as Record_).reg, want.grad!.reg);
    // The stride has no default, so the option object is not optional (the editor says so too).
    assert.match(errorOf(session, 'gfl(load("x.npz"))').message, /gfl: arguments should be 2 arguments: gfl\(data, \{stride/);
    assert.match(errorOf(session, 'gfl(load("x.npz"), {beta: 2})').message, /gfl: options.stride should be given/);
  });

  it('arcface, in each form', () => {
    const session = newSession();
    const x = [[1, 2, 3], [-1, 0.5, 2]];
    const W = [[1, 4], [2, 5], [3, -6]];
    for (const [options, core] of [
      ['{s: 64, m: 0.5}', { s: 64, m: 0.5 }],
      ['{s: 30, m: 0.3, easy_margin: true}', { s: 30, m: 0.3, easyMargin: true }],
      ['{form: "paper"}', { form: 'paper' as const }],
      ['{m1: 1, m2: 0.3, m3: 0.2}', { form: 'combined' as const, margins: { m1: 1, m2: 0.3, m3: 0.2 } }],
      ['{precision: "float32"}', { precision: 'float32' as const }],
    ] as const) {
      const r = evalCell(session, `r = arcface(${JSON.stringify(x)}, ${JSON.stringify(W)}, [0, 1], ${options})`) as Record_;
      const want = arcFaceLoss(t(x), t(W), t([0, 1]), { ...core, grad: true });
      sameAs(`arcface ${options}`, r.loss, want.loss);
      sameAs(`arcface ${options} grad x`, (r.grad as Record_).x, want.grad!.x);
      sameAs(`arcface ${options} grad W`, (r.grad as Record_).W, want.grad!.W);
      sameAs(`arcface ${options} logits`, r.logits, want.logits);
    }
  });

  it("arcface with outputs: 'loss' gives the same loss and gradients without the (B, C) logits and cosines", () => {
    const session = newSession();
    const x = [[1, 2, 3], [-1, 0.5, 2], [0.3, -2, 1]];
    const W = [[1, 4, -1, 0.5], [2, 5, 0, -2], [3, -6, 1, 1]];
    for (const options of ['{s: 64, m: 0.5}', '{form: "paper", reduction: "sum"}', '{precision: "float32"}', '{m1: 1, m2: 0.3, m3: 0.2, reduction: "none"}']) {
      const full = evalCell(session, `r = arcface(${JSON.stringify(x)}, ${JSON.stringify(W)}, [0, 3, 1], ${options})`) as Record_;
      const lean = evalCell(session, `r = arcface(${JSON.stringify(x)}, ${JSON.stringify(W)}, [0, 3, 1], ${options.replace('{', "{outputs: 'loss', ")})`) as Record_;
      assert.ok(!('logits' in lean) && !('cosines' in lean), `${options}: no (B, C) outputs`);
      for (const [name, got, want] of [
        ['loss', lean.loss, full.loss],
        ['per_element', lean.per_element, full.per_element],
        ['angles', lean.angles, full.angles],
        ['grad x', (lean.grad as Record_).x, (full.grad as Record_).x],
        ['grad W', (lean.grad as Record_).W, (full.grad as Record_).W],
      ] as const) {
        // The tiled form sums each row's exponentials tile by tile, and takes dL/dW's column dots
        // from the float32 products in the float32 mode (test/core/losses/arcface/fused.test.ts).
        const tolerance = options.includes('float32') ? 1e-5 : 1e-12;
        assertClose(`${options} ${name}`, flat(got), flat(want), { atol: tolerance, rtol: tolerance });
      }
    }
    assert.match(errorOf(session, "arcface([[1, 0]], [[1], [0]], [0], {outputs: 'logits'})").message, /arcface: options.outputs should be/);
  });

  it('triplet, with p, swap, soft and distance', () => {
    const session = newSession();
    const a = [[0, 0], [1, 1]];
    const p = [[0, 1], [1, 2]];
    const n = [[2, 0], [1, 1.5]];
    for (const [options, core] of [
      ['{margin: 1}', { margin: 1 }],
      ['{p: 1, swap: true, reduction: "none"}', { p: 1, swap: true, reduction: 'none' as const }],
      ['{soft: true, distance: "cosine"}', { soft: true, distance: 'cosine' as const }],
    ] as const) {
      const r = evalCell(session, `r = triplet(${JSON.stringify(a)}, ${JSON.stringify(p)}, ${JSON.stringify(n)}, ${options})`) as Record_;
      const want = tripletMarginLoss(t(a), t(p), t(n), { ...core, grad: true });
      sameAs(`triplet ${options}`, r.loss, want.loss);
      for (const name of ['anchor', 'positive', 'negative'] as const) sameAs(`triplet ${options} ${name}`, (r.grad as Record_)[name], want.grad![name]);
    }
  });
});

describe('mining: a language call equals the core call', () => {
  const emb = [[0, 0], [0, 1], [0.5, 0], [3, 1], [0.2, 0.9]];
  const labels = [0, 0, 1, 1, 1];
  const args = `${JSON.stringify(emb)}, ${JSON.stringify(labels)}, {margin: 0.4}`;

  it('batch_hard, batch_all and semi_hard', () => {
    const session = newSession();
    const h = evalCell(session, `r = batch_hard(${args})`) as Record_;
    const wantH = batchHard(t(emb), t(labels), { margin: 0.4, grad: true });
    sameAs('batch_hard loss', h.loss, wantH.loss);
    sameAs('batch_hard per_anchor', h.per_anchor, wantH.perAnchor);
    sameAs('batch_hard grad', (h.grad as Record_).embeddings, wantH.grad!.embeddings);
    // The core's 0-based indices are 1-based positions in cells (0 where an anchor has none).
    const positions = (indices: ArrayLike<number>): number[] => Array.from(indices, (i) => i + 1);
    assert.deepEqual(Array.from(flat(h.hardest_positive)), positions(wantH.hardestPositive));
    assert.deepEqual(Array.from(flat(h.hardest_negative)), positions(wantH.hardestNegative));
    const all = evalCell(session, `r = batch_all(${args})`) as Record_;
    const wantA = batchAll(t(emb), t(labels), { margin: 0.4, grad: true });
    sameAs('batch_all loss', all.loss, wantA.loss);
    assert.equal(all.valid_triplets, wantA.validTriplets);
    sameAs('batch_all grad', (all.grad as Record_).embeddings, wantA.grad!.embeddings);
    const semi = evalCell(session, `r = semi_hard(${args})`) as Record_;
    const wantS = semiHardTriplets(t(emb), t(labels), { margin: 0.4 });
    sameAs('semi_hard loss', semi.loss, wantS.loss);
    assert.deepEqual(Array.from(flat(semi.anchors)), positions(wantS.anchors));
    assert.deepEqual(Array.from(flat(semi.positives)), positions(wantS.positives));
    assert.deepEqual(Array.from(flat(semi.negatives)), positions(wantS.negatives));
  });

  it('census counts triplets like a brute-force loop', () => {
    const r = evalCell(newSession(), `r = census(${JSON.stringify(emb)}, ${JSON.stringify(labels)}, 0.4)`) as Record_;
    const d = (i: number, j: number): number => Math.hypot(emb[i][0] - emb[j][0], emb[i][1] - emb[j][1]);
    const want = { valid: 0, easy: 0, semihard: 0, hard: 0, positive: 0 };
    for (let a = 0; a < emb.length; a++) {
      for (let p = 0; p < emb.length; p++) {
        if (p === a || labels[p] !== labels[a]) continue;
        for (let n = 0; n < emb.length; n++) {
          if (labels[n] === labels[a]) continue;
          want.valid++;
          const [dap, dan] = [d(a, p), d(a, n)];
          if (dan > dap + 0.4) want.easy++;
          else if (dan < dap) want.hard++;
          else want.semihard++;
          if (dap - dan + 0.4 > 1e-16) want.positive++;
        }
      }
    }
    assert.deepEqual({ ...r }, want);
    assert.match(errorOf(newSession(), 'census([[0, 0]], [0], "a")').message, /census: margin should be a number/);
  });
});

describe('helpers against hand-computed values', () => {
  const session = newSession();
  it('softmax, sigmoid, softplus, logsigmoid, entropy', () => {
    const e = [1, 2, 3].map(Math.exp);
    const sum = e[0] + e[1] + e[2];
    assertClose('softmax', flat(evalCell(session, 'r = softmax([1, 2, 3])')), Float64Array.from(e.map((v) => v / sum)), { atol: 1e-15, rtol: 1e-14 });
    assertClose('softmax rows', flat(evalCell(session, 'r = softmax([[0, 0], [1000, -1000]])')), Float64Array.of(0.5, 0.5, 1, 0), { atol: 0, rtol: 0 });
    assert.deepEqual(Array.from(flat(evalCell(session, 'r = sigmoid([-1000, 0, 1000])'))), [0, 0.5, 1]);
    assert.equal(evalCell(session, 'r = softplus(1000)'), 1000);
    assert.equal(evalCell(session, 'r = softplus(-1000)'), 0);
    assert.equal(evalCell(session, 'r = logsigmoid(-1000)'), -1000);
    assert.equal(evalCell(session, 'r = logsigmoid(1000)'), -0);
    assertClose('softplus(0)', Float64Array.of(evalCell(session, 'r = softplus(0)') as number), Float64Array.of(Math.LN2));
    assertClose('entropy', Float64Array.of(evalCell(session, 'r = entropy([0.5, 0.5])') as number), Float64Array.of(Math.LN2));
    assertClose('entropy rows', flat(evalCell(session, 'r = entropy([[1, 0], [0.25, 0.75]])')), Float64Array.of(0, -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))));
    assert.match(errorOf(session, 'entropy([0.5, -0.1])').message, /entropy: p at index \[1, 2\] should be probabilities ≥ 0/);
  });

  it('integral, iou, distance2bbox, bbox2distance, bins', () => {
    const row = [0, 2, 0, -1];
    const w = row.map(Math.exp);
    const want = w.reduce((s, v, i) => s + v * i, 0) / w.reduce((s, v) => s + v, 0);
    assertClose('integral', flat(evalCell(session, 'r = integral([[0, 2, 0, -1]])')), Float64Array.of(want), { atol: 1e-15, rtol: 1e-14 });
    sameAs('integral = core', evalCell(session, 'r = integral([[0, 2, 0, -1], [1, 1, 1, 1]])'), integral(t([[0, 2, 0, -1], [1, 1, 1, 1]])).expectation);
    assertClose('iou', flat(evalCell(session, 'r = iou([[0, 0, 2, 2]], [[1, 1, 3, 3]])')), Float64Array.of(1 / 7), { atol: 1e-6, rtol: 0 });
    assertClose('giou', flat(evalCell(session, 'r = iou([[0, 0, 2, 2]], [[1, 1, 3, 3]], {mode: "giou"})')), Float64Array.of(1 / 7 - 2 / 9), { atol: 1e-6, rtol: 0 });
    for (const mode of ['iou', 'giou', 'diou', 'ciou'] as const) {
      sameAs(mode, evalCell(session, `r = iou([[0, 0, 2, 2]], [[1, 0.5, 3, 4]], {mode: "${mode}"})`), boxOverlaps(t([[0, 0, 2, 2]]), t([[1, 0.5, 3, 4]]), mode, 1e-6).value);
    }
    assert.deepEqual(Array.from(flat(evalCell(session, 'r = distance2bbox([[10, 10]], [[2, 3, 4, 5]])'))), [8, 7, 14, 15]);
    sameAs('distance2bbox = core', evalCell(session, 'r = distance2bbox([[1, 2], [3, 4]], [[1, 1, 1, 1], [0, 2, 0, 2]])'), distance2bbox(t([[1, 2], [3, 4]]), t([[1, 1, 1, 1], [0, 2, 0, 2]])));
    assert.deepEqual(Array.from(flat(evalCell(session, 'r = bbox2distance([[10, 10]], [[8, 7, 14, 15]], 16)'))), [2, 3, 4, 5]);
    // Clamped to max_dis − eps.
    assertClose('bbox2distance clamp', flat(evalCell(session, 'r = bbox2distance([[10, 10]], [[-20, 7, 14, 15]], 16, 0.01)')), Float64Array.of(15.99, 3, 4, 5));
    sameAs('bbox2distance = core', evalCell(session, 'r = bbox2distance([[10, 10]], [[-20, 7, 14, 15]])'), bbox2distance(t([[10, 10]]), t([[-20, 7, 14, 15]]), undefined, 0.1).distance);
    assert.equal(evalCell(session, 'r = bins(16, "mmdetection")'), 17);
    assert.equal(evalCell(session, 'r = bins(16, "ultralytics")'), 16);
  });

  it('load needs a host and a string path', () => {
    assert.match(errorOf(new Session(), 'load("x.npz")').message, /load: path should be loadable here/);
    assert.match(errorOf(newSession(), 'load(3)').message, /load: path should be a string/);
  });
});

describe('option objects', () => {
  const session = newSession();
  it('a stray positional value where the options belong is an error, not ignored', () => {
    const error = errorOf(session, 'focal([[1]], [[1]], 0.5)');
    assert.equal(error.name, 'InputError');
    assert.match(error.message, /^focal: arguments should be 2 arrays, then an optional \{options\} object: focal\(pred, target.*but is 3 arguments before the options$/);
    assert.match(errorOf(session, 'arcface([[1, 0]], [[1], [0]], [0], 64)').message, /arcface: arguments should be 3 arrays/);
  });
  it('an unknown key is an error listing the valid keys', () => {
    const error = errorOf(session, 'focal([[1]], [[1]], {alhpa: 1})');
    assert.equal(error.name, 'InputError');
    assert.equal(error.message, 'focal: options.alhpa should be one of the known options (alpha, gamma, precision, reduction, weight, avg_factor), but is unknown');
    assert.match(errorOf(session, 'qfl([[1]], [0], [1], {bta: 1})').message, /options\.bta .*\(beta, activated, background, precision, reduction, weight, avg_factor\)/);
  });

  it('a wrong type or value is an error naming the option', () => {
    assert.equal(errorOf(session, 'focal([[1]], [[1]], {alpha: "x"})').message, 'focal: options.alpha should be a number, but is "x"');
    assert.match(errorOf(session, 'qfl([[1]], [0], [1], {activated: 1})').message, /qfl: options.activated should be a boolean, but is 1/);
    assert.match(errorOf(session, 'focal([[1]], [[1]], {reduction: "avg"})').message, /options.reduction should be one of "none", "mean", "sum", but is "avg"/);
    assert.match(errorOf(session, 'arcface([[1, 0]], [[1], [0]], [0], {form: "cosface"})').message, /options.form should be one of "insightface", "paper", "combined"/);
  });
});

describe('docs/language.md', () => {
  it('every losslab block runs, in order, without an error', () => {
    const text = readFileSync(new URL('../../../../docs/language.md', import.meta.url), 'utf8');
    const blocks = [...text.matchAll(/```losslab\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.ok(blocks.length >= 15, `found ${blocks.length} blocks`);
    const session = newSession();
    for (const block of blocks) {
      const outputs = session.runCell(block);
      const error = outputs.find((o) => o.kind === 'error');
      assert.equal(error, undefined, `${block}\n→ ${JSON.stringify(error)}`);
    }
  });

  it('documents every language function and every scalar form', () => {
    const text = readFileSync(new URL('../../../../docs/language.md', import.meta.url), 'utf8');
    for (const fn of BUILTINS) assert.ok(text.includes(`${fn.name}(`), fn.name);
    for (const name of ['arcface_logit(', 'triplet_hinge(', 'plot(', 'heatmap(', 'dist(', 'hist(', 'scatter(', 'table(', 'grad(', 'slider(']) assert.ok(text.includes(name), name);
  });
});
