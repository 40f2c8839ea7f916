import { FIGURE_MIME } from '../figures/spec';
import { decodeUtf8 } from './bytes';
import type { CellModel, ExecutionModel, JsonValue, NotebookModel, OutputItemModel, OutputModel } from './format';
import { prettyJson } from './prettyJson';

/**
 * What a saved `.lossnb` keeps of a run, so that the file diffs cleanly under git: the editor
 * (settings `losslab.notebook.saveOutputs` and `losslab.notebook.saveTimings`) and `losslab run`
 * apply the same policy before writing. Running an unchanged notebook again then writes the same
 * bytes: the outputs are deterministic, the run's start and end times are left out unless asked
 * for, execution counts are stored as the order the cells ran in (1, 2, …, whatever the kernel's
 * count had reached), and figures are stored pretty-printed (`prettyJson`) rather than as one long
 * line.
 */

/** Which outputs a saved file keeps. */
export type SaveOutputs = 'all' | 'figures-only' | 'none';

export const SAVE_OUTPUTS: readonly SaveOutputs[] = ['all', 'figures-only', 'none'];

export interface SavePolicy {
  /**
   * `all`: every output; `figures-only`: the outputs holding a figure (values, tables of numbers
   * and errors are left out); `none`: no outputs and no execution summary, only the sources.
   */
  readonly outputs: SaveOutputs;
  /** Whether each run's start and end time is kept; they change at every run. */
  readonly timings: boolean;
}

/** The settings' defaults. */
export const DEFAULT_SAVE_POLICY: SavePolicy = { outputs: 'all', timings: false };

/** The model as the file should store it under `policy`; fields this version does not know are kept. */
export function applySavePolicy(model: NotebookModel, policy: SavePolicy): NotebookModel {
  const ranks = executionRanks(model.cells);
  return { ...model, cells: model.cells.map((cell, index) => cellForSave(cell, policy, ranks.get(index))) };
}

/**
 * Each run cell's execution count as its rank, 1, 2, …: the order in which the cells last ran,
 * without the runs before. A kernel counts on across Run Alls (the second gives 15, 16, …), so
 * the counts themselves would change the file at every re-run, where the order does not.
 */
export function executionRanks(cells: readonly CellModel[]): Map<number, number> {
  const ran = cells.flatMap((cell, index) => {
    const order = cell.execution?.executionOrder;
    return order === undefined ? [] : [{ index, order }];
  });
  ran.sort((a, b) => a.order - b.order || a.index - b.index);
  return new Map(ran.map(({ index }, rank) => [index, rank + 1]));
}

function cellForSave(cell: CellModel, policy: SavePolicy, rank: number | undefined): CellModel {
  const kept = policy.outputs === 'all' ? cell.outputs : policy.outputs === 'figures-only' ? cell.outputs.filter(holdsFigure) : [];
  const result: CellModel = { ...cell, outputs: kept.map(outputForSave) };
  delete result.execution;
  const execution = cell.execution === undefined ? undefined : executionForSave(cell.execution, policy, rank);
  if (execution !== undefined) result.execution = execution;
  return result;
}

/** Without outputs the summary would describe a run the file no longer shows; unknown fields stay. */
function executionForSave(execution: ExecutionModel, policy: SavePolicy, rank: number | undefined): ExecutionModel | undefined {
  if (policy.outputs === 'none') return Object.keys(execution.extra).length === 0 ? undefined : { extra: execution.extra };
  const result: ExecutionModel = { ...execution };
  if (rank !== undefined) result.executionOrder = rank;
  if (!policy.timings) delete result.timing;
  return result;
}

function holdsFigure(output: OutputModel): boolean {
  return output.items.some((item) => item.mime.toLowerCase() === FIGURE_MIME);
}

function outputForSave(output: OutputModel): OutputModel {
  return holdsFigure(output) ? { ...output, items: output.items.map(itemForSave) } : output;
}

/** A figure's JSON, pretty-printed; an item that is not valid JSON is left as it is. */
function itemForSave(item: OutputItemModel): OutputItemModel {
  if (item.mime.toLowerCase() !== FIGURE_MIME) return item;
  const text = decodeUtf8(item.data);
  if (text === undefined) return item;
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return item;
  }
  return { ...item, data: new TextEncoder().encode(prettyJson(value)) };
}
