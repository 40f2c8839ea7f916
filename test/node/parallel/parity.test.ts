/**
 * Every qfl / qfl_dense / focal / dfl / giou / gfl reference case of test/fixtures/*.json through
 * the parallel evaluator with the threshold forced to 0, so that even a one-row case is split
 * across the worker pool, compared with PyTorch's float64 values at the parity tolerance.
 * The fixture-to-API mapping follows test/parity/adapters (same conventions), with the losses
 * taken from parallelLosses instead of the core.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { BinSpec } from '../../../src/core/distributions';
import { toNested } from '../../../src/core/tensor';
import { parallelLosses, type ParallelLosses } from '../../../src/node/parallel/losses';
import { ParallelPool, ready } from '../../../src/node/parallel/pool';
import { pairedTensors } from '../../parity/adapters/focal';
import { booleanParam, fixtureTensor, numberParam, type ReferenceCase, type ReferenceOutput } from '../../parity/case';

interface FixtureCase extends ReferenceCase {
  readonly name: string;
  readonly expected: Readonly<Record<string, unknown>>;
}

const FNS = new Set(['qfl', 'qfl_dense', 'focal', 'dfl', 'giou', 'gfl']);

function run(losses: ParallelLosses, c: ReferenceCase): ReferenceOutput {
  const { inputs, params } = c;
  switch (c.fn) {
    case 'qfl': {
      const background = numberParam(params, 'background', NaN);
      const probe = fixtureTensor('qfl', 'pred', inputs.pred, [0]);
      const first = background === 0 && probe.shape[1] !== 0;
      const pred = fixtureTensor('qfl', 'pred', inputs.pred, [first ? 0 : background]);
      const result = losses.qualityFocalLoss(
        pred,
        { label: fixtureTensor('qfl', 'label', inputs.label), score: fixtureTensor('qfl', 'score', inputs.score) },
        {
          beta: numberParam(params, 'beta', 2),
          labelConvention: first ? 'background-first' : 'background-last',
          activated: booleanParam(params, 'activated', false),
          reduction: 'none',
          grad: true,
        },
      );
      return { loss: toNested(result.loss), grad_pred: toNested(result.grad!.pred) };
    }
    case 'qfl_dense': {
      const [pred, dense] = pairedTensors('qfl_dense', 'pred', inputs.pred, 'target', inputs.target);
      const options = { beta: numberParam(params, 'beta', 2), activated: booleanParam(params, 'activated', false) };
      const result = losses.qualityFocalLoss(pred, { dense }, { ...options, reduction: 'none', grad: true });
      return { loss: toNested(result.loss), grad_pred: toNested(result.grad!.pred) };
    }
    case 'focal': {
      const [pred, target] = pairedTensors('focal', 'pred', inputs.pred, 'target', inputs.target);
      const options = { alpha: numberParam(params, 'alpha', 0.25), gamma: numberParam(params, 'gamma', 2) };
      const result = losses.sigmoidFocalLoss(pred, target, { ...options, reduction: 'none', grad: true });
      return { loss: toNested(result.loss), grad_pred: toNested(result.grad!.pred) };
    }
    case 'dfl': {
      let bins: BinSpec;
      if (typeof params.bins === 'number') bins = params.bins;
      else if (typeof params.reg_max === 'number') bins = { regMax: params.reg_max, convention: 'mmdetection' };
      else bins = fixtureTensor('dfl', 'pred', inputs.pred).shape[1];
      const width = typeof bins === 'number' ? bins : bins.regMax + 1;
      const pred = fixtureTensor('dfl', 'pred', inputs.pred, [width]);
      const result = losses.distributionFocalLoss(pred, fixtureTensor('dfl', 'label', inputs.label), { bins, reduction: 'none', grad: true });
      return { loss: toNested(result.loss), grad_pred: toNested(result.grad!.pred), expectation: toNested(result.expectation) };
    }
    case 'giou': {
      const pred = fixtureTensor('giou', 'pred', inputs.pred, [4]);
      const target = fixtureTensor('giou', 'target', inputs.target, [4]);
      const result = losses.giouLoss(pred, target, { reduction: 'none', grad: true, eps: numberParam(params, 'eps', 1e-7) });
      return { loss: toNested(result.perElement), iou: toNested(result.iou), grad_pred: toNested(result.grad!.pred) };
    }
    case 'gfl': {
      const regMax = numberParam(params, 'reg_max', 16);
      const background = numberParam(params, 'background', NaN);
      const cls = inputs.cls;
      const width = Array.isArray(cls) && Array.isArray(cls[0]) ? (cls[0] as unknown[]).length : Math.max(background, 1);
      const lossWeight = (params.loss_weight ?? {}) as Record<string, unknown>;
      const result = losses.gflHeadLoss(
        {
          cls: fixtureTensor('gfl', 'cls', cls, [width]),
          reg: fixtureTensor('gfl', 'reg', inputs.reg, [4 * (regMax + 1)]),
          points: fixtureTensor('gfl', 'points', inputs.points, [2]),
          labels: fixtureTensor('gfl', 'labels', inputs.labels),
          gtBoxes: fixtureTensor('gfl', 'gt_boxes', inputs.gt_boxes, [4]),
        },
        {
          regMax,
          stride: numberParam(params, 'stride', NaN),
          beta: numberParam(params, 'beta', 2),
          labelConvention: background === 0 ? 'background-first' : 'background-last',
          lossWeight: { cls: numberParam(lossWeight, 'cls', 1), bbox: numberParam(lossWeight, 'bbox', 2), dfl: numberParam(lossWeight, 'dfl', 0.25) },
          grad: true,
        },
      );
      return {
        loss_cls: result.lossCls,
        loss_bbox: result.lossBbox,
        loss_dfl: result.lossDfl,
        score: toNested(result.score),
        grad_cls: toNested(result.grad!.cls),
        grad_reg: toNested(result.grad!.reg),
      };
    }
    default:
      throw new Error(`no parallel mapping for fn '${c.fn}'`);
  }
}

/** The parity suite's tolerance: |got − want| ≤ 1e-9 + 1e-7·|want|; null wants a finite number. */
function compare(path: string, got: unknown, want: unknown): void {
  if (want === null) {
    assert.ok(typeof got === 'number' && Number.isFinite(got), `${path}: want a finite number, got ${String(got)}`);
  } else if (Array.isArray(want)) {
    assert.ok(Array.isArray(got) && got.length === want.length, `${path}: want an array of length ${want.length}`);
    want.forEach((item, i) => compare(`${path}[${i}]`, (got as unknown[])[i], item));
  } else if (typeof want === 'number') {
    const tolerance = 1e-9 + 1e-7 * Math.abs(want);
    assert.ok(typeof got === 'number' && Math.abs(got - want) <= tolerance, `${path}: got ${String(got)}, want ${want}`);
  } else {
    assert.equal(got, want, path);
  }
}

const pool = new ParallelPool(3);
const losses = parallelLosses(pool, { minElements: 0, blockElements: 1 });
before(async () => {
  await ready(pool);
});
after(async () => {
  // Every case with at least two rows must have been split across threads.
  assert.ok(pool.sharedTasks > 40, `only ${pool.sharedTasks} tasks ran in parallel`);
  await pool.close();
});

for (const path of ['test/fixtures/reference-losses.json', 'test/fixtures/extreme-losses.json']) {
  const cases = (JSON.parse(readFileSync(path, 'utf8')) as { cases: FixtureCase[] }).cases.filter((c) => FNS.has(c.fn));
  describe(`parallel parity with ${path}`, () => {
    it('has cases of every elementwise loss', () => assert.ok(cases.length >= 6));
    for (const c of cases) {
      it(c.name, () => {
        const got = run(losses, c);
        for (const [key, want] of Object.entries(c.expected)) compare(key, got[key], want);
      });
    }
  });
}
