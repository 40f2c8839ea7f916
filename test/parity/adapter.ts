/**
 * Maps a reference case (`test/fixtures/README.md`) onto LossLab's public core API and returns the
 * keys of the case's `expected`. It holds no loss logic: each function in `./adapters/` only
 * converts the fixture's names, conventions and nesting.
 */
import type { LossImplementations } from '../../src/core/language/hosts';
import type { ReferenceCase, ReferenceOutput } from './case';
import { runArcfaceCase } from './adapters/arcface';
import { runDflCase } from './adapters/dfl';
import { runFocalCase } from './adapters/focal';
import { runGflCase } from './adapters/gfl';
import { runGflHeadRawCase } from './adapters/gflHeadRaw';
import { runGiouCase } from './adapters/giou';
import { runInsightfaceCombinedCase, runMarginSoftmaxCase } from './adapters/marginHeads';
import { METRIC_LOSS_FNS, runMetricLossCase } from './adapters/metricLosses';
import { METRIC_MINER_FNS, runMetricMinerCase } from './adapters/metricMiners';
import { runMiningCase } from './adapters/mining';
import { runQflCase, runQflDenseCase } from './adapters/qfl';
import { runTripletCase } from './adapters/triplet';
import { runYolov8Case } from './adapters/yolov8';

export type { ReferenceCase, ReferenceOutput } from './case';

const adapters: Readonly<Record<string, (c: ReferenceCase, kernels?: LossImplementations) => ReferenceOutput>> = {
  qfl: runQflCase,
  qfl_dense: runQflDenseCase,
  dfl: runDflCase,
  focal: runFocalCase,
  giou: runGiouCase,
  gfl: runGflCase,
  gfl_head_raw: runGflHeadRawCase,
  arcface: runArcfaceCase,
  triplet: runTripletCase,
  triplet_mining: runMiningCase,
  yolov8_loss: runYolov8Case,
  loss_margin_softmax: runMarginSoftmaxCase,
  loss_insightface_combined: runInsightfaceCombinedCase,
  ...Object.fromEntries(METRIC_MINER_FNS.map((fn) => [fn, runMetricMinerCase])),
  ...Object.fromEntries(METRIC_LOSS_FNS.map((fn) => [fn, runMetricLossCase])),
};

/**
 * Runs one reference case. `kernels` replaces the losses (qfl, focal, dfl, giou, gfl, arcface, batch-hard)
 * with another implementation of the same API, such as the worker-thread pool's; the mapping of
 * the fixture format stays the same.
 */
export function runReferenceCase(c: ReferenceCase, kernels?: LossImplementations): ReferenceOutput {
  const adapter = adapters[c.fn];
  if (adapter === undefined) throw new Error(`runReferenceCase: unknown fn '${c.fn}'`);
  return adapter(c, kernels);
}
