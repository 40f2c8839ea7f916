import { parentPort, workerData } from 'node:worker_threads';
import { installInterrupt } from '../../core/interrupt';
import type { CellOutput, Session } from '../../core/language/session';
import { ParallelPool } from '../parallel/pool';
import { enableRelaxedSimd } from '../relaxedSimd';
import { createNodeSession } from '../session';
import { KERNEL_DATA_ENV } from './channel';
import { beginRun, createInterruptWords, isInterrupted, listenForInterrupts } from './interruptFlag';
import type { HostMessage, KernelWorkerData, WorkerMessage } from './protocol';

/**
 * The entry of one notebook's kernel (bundled as dist/kernelWorker.js), started by KernelProcess
 * as a child process (the default) or a worker thread (see channel.ts). It holds the
 * notebook's Session and runs cells one message at a time. It never imports `vscode`; the host
 * enforces time and memory limits by terminating it. An interrupt reaches the running cell through
 * shared memory (interruptFlag.ts) that the cell polls at its checkpoints (core/interrupt.ts); the
 * host terminates the kernel only when the cell does not stop within the grace period.
 */

interface Port {
  post(message: WorkerMessage): void;
  listen(listener: (message: HostMessage) => void): void;
}

function connect(): { port: Port; init: KernelWorkerData } {
  if (parentPort !== null) {
    const thread = parentPort;
    return { port: { post: (m) => thread.postMessage(m), listen: (l) => thread.on('message', l) }, init: workerData as KernelWorkerData };
  }
  const send = process.send?.bind(process);
  const data = process.env[KERNEL_DATA_ENV];
  if (send === undefined || data === undefined) throw new Error('kernelWorker.js must be started by the LossLab kernel (KernelProcess)');
  // The host is gone: nothing can use this kernel any more.
  process.on('disconnect', () => void pool.close().finally(() => process.exit(0)));
  return { port: { post: (m) => void send(m), listen: (l) => process.on('message', l) }, init: JSON.parse(data) as KernelWorkerData };
}

const { port, init } = connect();
let trusted = init.trusted;
const interruptWords = init.interrupt ?? createInterruptWords();
if (init.interrupt === undefined) listenForInterrupts(interruptWords);
installInterrupt(() => isInterrupted(interruptWords));
/** The message being handled, so that load progress is attributed to its run. */
let currentId = -1;

const post = (message: WorkerMessage): void => port.post(message);

// Before any kernel compiles (and before the workers start): fused multiply-adds where the engine has them behind a flag.
enableRelaxedSimd();
// Large losses are split across the cores. The workers start now, while the kernel waits for its
// first cell, so that they are online when a large loss arrives; small losses stay on this thread.
const pool = new ParallelPool();
pool.warm();

const session: Session = createNodeSession(init.folder, {
  elementCap: init.elementCap,
  ...(init.binConvention !== undefined ? { binConvention: init.binConvention } : {}),
  pool,
  isTrusted: () => trusted,
  allowedFolders: init.allowedFolders ?? [],
  // Loads and streams of large files show the host's cancellable bar; cancelling interrupts the cell.
  onProgress: (progress) => post({ type: 'progress', id: currentId, ...progress }),
});

/** `runCell` never throws by contract; this guards the protocol if it ever does. */
function runCell(source: string): CellOutput[] {
  try {
    return session.runCell(source);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    return [{ kind: 'error', line: 1, column: 1, name: err.name, message: err.message }];
  }
}

port.listen((message: HostMessage) => {
  switch (message.type) {
    case 'run':
      currentId = message.id;
      beginRun(interruptWords, message.id);
      post({ type: 'result', id: message.id, outputs: runCell(message.source) });
      currentId = -1;
      return;
    case 'variables':
      post({ type: 'variables', id: message.id, variables: session.variables() });
      return;
    case 'trust':
      trusted = message.trusted;
      return;
  }
});

post({ type: 'ready' });
