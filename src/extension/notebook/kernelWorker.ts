import { parentPort, workerData } from 'node:worker_threads';
import { Session, type CellOutput } from '../../core/language/session';
import { createLoader } from './kernelLoad';
import type { HostMessage, KernelWorkerData, WorkerMessage } from './kernelProtocol';

/**
 * The entry of one notebook's kernel worker thread (bundled as dist/kernelWorker.js). It holds the
 * notebook's Session and runs cells one message at a time. It never imports `vscode`; the host
 * (KernelProcess) enforces time and memory limits by terminating this thread.
 */

const port = parentPort;
if (port === null) throw new Error('kernelWorker.ts must run as a worker thread');

const init = workerData as KernelWorkerData;
let trusted = init.trusted;
/** The message being handled, so that load progress is attributed to its run. */
let currentId = -1;

const post = (message: WorkerMessage): void => port.postMessage(message);

const session: Session = new Session({
  elementCap: init.elementCap,
  load: createLoader({
    folder: init.folder,
    isTrusted: () => trusted,
    math: () => session.math,
    onProgress: (progress) => post({ type: 'progress', id: currentId, ...progress }),
  }),
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

port.on('message', (message: HostMessage) => {
  switch (message.type) {
    case 'run':
      currentId = message.id;
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
