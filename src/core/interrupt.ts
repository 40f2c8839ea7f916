/**
 * Cooperative interrupt: a host (the notebook kernel) installs a poll that says whether the running
 * cell was asked to stop, and the evaluator and the long core loops call `checkInterrupt()` at
 * their checkpoints — every statement, every user-function call, between blocks or rows of the
 * loss and mining loops. A cell's computation is synchronous, so its thread cannot hear a message
 * until the cell ends; the poll reads shared memory that another thread writes instead.
 *
 * Without a poll (the CLI, the browser, the tests that do not install one) a checkpoint is one
 * comparison with `undefined`. The poll is per thread (module state): the parallel pool's workers
 * have none and are stopped by their caller instead (see node/parallel/pool.ts).
 */

/** Says whether the running computation should stop; called at every checkpoint, so it must be cheap. */
export type InterruptPoll = () => boolean;

/** What an interrupted computation throws; the Session turns it into the cell's error and undoes the cell. */
export class KeyboardInterrupt extends Error {
  override readonly name = 'KeyboardInterrupt';

  constructor() {
    // One short line: the notebook's error renderer does not wrap it.
    super('The cell was interrupted; the scope is as it was before this cell.');
  }
}

let poll: InterruptPoll | undefined;

/** Installs the poll of this thread (undefined removes it). */
export function installInterrupt(next: InterruptPoll | undefined): void {
  poll = next;
}

/** Whether the running computation was asked to stop. */
export function interruptRequested(): boolean {
  return poll !== undefined && poll();
}

/** Throws KeyboardInterrupt when the running computation was asked to stop. */
export function checkInterrupt(): void {
  if (poll !== undefined && poll()) throw new KeyboardInterrupt();
}

/** Work (elements, or multiply-adds) between two checkpoints of a long core loop. */
export const CHECK_WORK = 1 << 22;

/**
 * Runs `body` over [0, length) in ranges of about CHECK_WORK / workPerItem items with a checkpoint
 * before each, for loops whose items are independent (any split gives the same bits). Without a
 * poll it is one call over the whole range, exactly the loop it replaces.
 */
export function inCheckedRanges(length: number, workPerItem: number, body: (start: number, end: number) => void): void {
  if (poll === undefined) {
    body(0, length);
    return;
  }
  const step = Math.max(1, Math.floor(CHECK_WORK / Math.max(1, workPerItem)));
  for (let start = 0; start < length; start += step) {
    checkInterrupt();
    body(start, Math.min(length, start + step));
  }
}
