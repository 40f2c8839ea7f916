import { Worker } from 'node:worker_threads';

/**
 * The shared memory through which the host interrupts a kernel's running cell (core/interrupt.ts
 * polls it): two Int32 words, the id of the run the host asked to stop and the id of the run the
 * kernel is executing. The cell stops when they are equal, so an interrupt that arrives after its
 * cell ended never stops the next one, and nothing has to be cleared between runs. Ids start at 1;
 * 0 means none.
 *
 * A kernel thread (isolation 'thread') shares the words with the host directly. A kernel process
 * cannot share memory with the host, and its main thread, busy with the cell, cannot read a
 * message: there a helper thread reads run ids written to the process's stdin, one per line, and
 * stores them.
 */
const REQUESTED = 0;
const RUNNING = 1;

export function createInterruptWords(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

/** Asks run `id` to stop (host side, or the helper thread). */
export function requestInterrupt(words: Int32Array, id: number): void {
  Atomics.store(words, REQUESTED, id);
}

/** Marks run `id` as the one executing (kernel side, before it starts). */
export function beginRun(words: Int32Array, id: number): void {
  Atomics.store(words, RUNNING, id);
}

/** Whether the run executing now was asked to stop. */
export function isInterrupted(words: Int32Array): boolean {
  const requested = Atomics.load(words, REQUESTED);
  return requested !== 0 && requested === Atomics.load(words, RUNNING);
}

/**
 * The helper thread of a kernel process: reads "<id>\n" lines from fd 0 (a pipe from the host) on
 * its own event loop and stores each id. Source text, so that the bundled kernel needs no second
 * entry file; unref'd, so that it never keeps the kernel alive.
 */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { Socket } = require('node:net');
const input = new Socket({ fd: 0, readable: true, writable: false });
let pending = '';
input.setEncoding('latin1');
input.on('data', (chunk) => {
  pending += chunk;
  for (let end = pending.indexOf('\\n'); end >= 0; end = pending.indexOf('\\n')) {
    const id = Number(pending.slice(0, end));
    pending = pending.slice(end + 1);
    if (Number.isInteger(id) && id > 0) Atomics.store(workerData, ${REQUESTED}, id);
  }
});
input.on('error', () => undefined);
`;

export function listenForInterrupts(words: Int32Array): Worker {
  const helper = new Worker(HELPER_SOURCE, { eval: true, workerData: words });
  helper.unref();
  return helper;
}

/** The line the host writes to a kernel process's stdin to interrupt run `id`. */
export function interruptLine(id: number): string {
  return `${id}\n`;
}
