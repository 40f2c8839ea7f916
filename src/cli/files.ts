import { closeSync } from 'node:fs';
import { FileRefusedError, openRegularFile, readRange, realPathOrTarget } from '../node/files/read';

/**
 * The runner's own file rules: a notebook is read only when it is a regular file (a FIFO or a
 * device given as a notebook would hang the run or grow without bound), and no output of a run may
 * overwrite one of its inputs.
 */

/** The largest notebook `losslab run` reads: far above any real notebook, far below the heap. */
export const MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024;

/** Reads a notebook's bytes; throws an Error whose message says why it cannot (not a regular file, too large, missing). */
export function readNotebookBytes(path: string): Uint8Array {
  let opened: { fd: number; size: number };
  try {
    opened = openRegularFile(path, MAX_NOTEBOOK_BYTES);
  } catch (error) {
    if (error instanceof FileRefusedError) throw new Error(`it is not a notebook file: ${error.reason}`);
    throw error;
  }
  try {
    return readRange(opened.fd, 0, opened.size);
  } finally {
    closeSync(opened.fd);
  }
}

/** One notebook to run: where it is read from and where its results go. */
export interface Job {
  readonly input: string;
  readonly output?: string;
  readonly html?: string;
  /** The output is the input itself (no --out): a run's intended in-place write. */
  readonly inPlace?: boolean;
}

/**
 * Refuses a plan in which an --out or --html file is one of the run's input notebooks, or two
 * results are one file, once symlinks are followed (`realpath`): the report would replace the
 * notebook it reports on. Checked before anything runs, also with --check. Throws an Error naming
 * both paths.
 */
export function checkTargets(jobs: readonly Job[]): void {
  const inputs = new Map(jobs.map((job) => [realPathOrTarget(job.input), job.input]));
  const results = new Map<string, string>();
  for (const job of jobs) {
    const targets: [string, string | undefined, boolean][] = [
      ['--out', job.output, job.inPlace === true],
      ['--html', job.html, false],
    ];
    for (const [flag, target, inPlace] of targets) {
      if (target === undefined) continue;
      const real = realPathOrTarget(target);
      const input = inputs.get(real);
      if (input !== undefined && !inPlace) {
        throw new Error(`${flag} ${target} is the input notebook ${input}${real === input ? '' : ` (${real})`}: it would be overwritten; choose another path${flag === '--out' ? ', or leave --out out to write the notebook in place' : ''}`);
      }
      const other = results.get(real);
      if (other !== undefined) throw new Error(`${flag} ${target} is also where ${other} is written: each result needs its own file`);
      results.set(real, target);
    }
  }
}
