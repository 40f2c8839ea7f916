import type { CellOutput, Session } from '../core/language/session';
import { CODE_LANGUAGE, type CellModel, type NotebookModel } from '../core/notebook/format';
import { cellOutputsToModels } from '../core/notebook/outputs';

/**
 * Runs a notebook model's code cells in order on one cell host, as "Run All" in VS Code does, and
 * returns the model with each run cell's outputs and execution summary replaced. No file access:
 * the caller reads and writes the file. `losslab run`'s host is the editor's kernel process
 * (kernelHost.ts); a Session in-process serves tests and the fuzz harness.
 */

/** Where the cells run: one scope across calls, reset only when the host had to stop a cell. */
export interface CellHost {
  /**
   * Runs one cell's text. `stopped` says the host stopped it (a limit, a crash): `outputs` then
   * holds the error that says so, and the scope was reset.
   */
  run(source: string): Promise<{ readonly outputs: CellOutput[]; readonly stopped?: string }>;
}

/** A Session as a cell host (in-process, no limits beyond the element cap). */
export function sessionHost(session: Session): CellHost {
  return { run: async (source) => ({ outputs: session.runCell(source) }) };
}

/** A cell that produced an error, located for the terminal. */
export interface CellFailure {
  /** 0-based index among all the notebook's cells. */
  readonly cellIndex: number;
  /** The cell's first non-blank source line, trimmed. */
  readonly firstLine: string;
  /** 1-based line and column of the error within the cell. */
  readonly line: number;
  readonly column: number;
  /** The text of the cell line the error points at. */
  readonly sourceLine: string;
  readonly name: string;
  readonly message: string;
  /** Set when the host stopped the cell (a limit, a crash): the reason, such as 'time-limit'. */
  readonly stopped?: string;
}

export interface RunOptions {
  /** Run the cells after a failing one too (default false: stop there, as Run All does). */
  readonly keepGoing?: boolean;
  /** Milliseconds since the epoch, for the timing; injectable for tests. */
  readonly now?: () => number;
}

export interface RunResult {
  readonly model: NotebookModel;
  /** Every error output, in cell order. */
  readonly failures: readonly CellFailure[];
  /** How many code cells ran. */
  readonly cellsRun: number;
}

/** Whether the runner executes a cell: code cells in the LossLab language; other cells stay as they are. */
export function isRunnable(cell: CellModel): boolean {
  return cell.kind === 'code' && cell.language === CODE_LANGUAGE;
}

/**
 * Runs every runnable cell in order. A run cell gets its new outputs and an execution summary
 * {executionOrder 1, 2, …, success: no error output, timing}, keeping unknown execution fields.
 * Unless `keepGoing`, cells after the first failing one are not run and keep their old outputs.
 */
export async function runNotebook(model: NotebookModel, host: CellHost, options: RunOptions = {}): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const failures: CellFailure[] = [];
  const cells = [...model.cells];
  let order = 0;
  for (const [cellIndex, cell] of model.cells.entries()) {
    if (!isRunnable(cell)) continue;
    const startTime = now();
    const { outputs, stopped } = await host.run(cell.source);
    const endTime = now();
    order++;
    const errors = outputs.flatMap((output) => (output.kind === 'error' ? [output] : []));
    for (const { line, column, name, message } of errors) {
      // Line 0: the error concerns the whole cell (a stop), not a place in it.
      const sourceLine = line < 1 ? '' : (cell.source.split('\n')[line - 1]?.replace(/\r$/, '') ?? '');
      failures.push({ cellIndex, firstLine: firstLine(cell.source), line, column, sourceLine, name, message, ...(stopped !== undefined && { stopped }) });
    }
    cells[cellIndex] = {
      ...cell,
      outputs: cellOutputsToModels(outputs),
      execution: {
        executionOrder: order,
        success: errors.length === 0,
        timing: { startTime, endTime, extra: cell.execution?.timing?.extra ?? {} },
        extra: cell.execution?.extra ?? {},
      },
    };
    if (errors.length > 0 && options.keepGoing !== true) break;
  }
  return { model: { ...model, cells }, failures, cellsRun: order };
}

function firstLine(source: string): string {
  return source.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? '';
}
