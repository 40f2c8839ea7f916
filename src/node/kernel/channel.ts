import { fork } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { withMallocTunables } from '../mallocTunables';
import { createInterruptWords, interruptLine, requestInterrupt } from './interruptFlag';
import type { HostMessage, KernelWorkerData, WorkerMessage } from './protocol';

/**
 * The connection to one kernel: a child process (the default) or a worker thread, behind one small
 * interface so that KernelProcess does not care which.
 *
 * Why a process by default: a worker thread shares the extension host's process, and V8 enforces a
 * worker's `maxOldGenerationSizeMb` by granting 16 MB of leeway and asking the thread to stop. One
 * allocation larger than that leeway (`ones(1e8)` with a raised element cap, or a doubling
 * `concat`) aborts the whole process instead — the extension host and every extension in it
 * (nodejs/node#47224, still open; reproduced on Node 20.20 for 1 run in 10 of a doubling `concat`
 * and every time for `ones(1e8)` under a 256 MB limit). A child process given
 * `--max-old-space-size` dies alone, and `kill('SIGKILL')` stops it even mid-computation.
 */
export type KernelIsolation = 'process' | 'thread';

/** How a kernel ended, as far as its host can tell. */
export interface KernelExit {
  /** It ran out of its heap limit (as opposed to crashing or being stopped by the host). */
  readonly outOfMemory: boolean;
  readonly detail: string | undefined;
}

export interface KernelChannel {
  send(message: HostMessage): void;
  /**
   * Asks run `id` to stop at its next checkpoint (interruptFlag.ts); heard even while the kernel's
   * main thread is busy with the cell, which a message is not.
   */
  interrupt(id: number): void;
  /** Stops it at once, even in the middle of a computation; resolves once it is gone. */
  terminate(): Promise<void>;
  onMessage(listener: (message: WorkerMessage) => void): void;
  /** Called once, however it ended (not after `terminate`, which the host asked for). */
  onExit(listener: (exit: KernelExit) => void): void;
}

export interface ChannelOptions {
  readonly isolation: KernelIsolation;
  readonly entry: string;
  readonly data: KernelWorkerData;
  readonly memoryLimitMb: number;
  readonly execArgv?: readonly string[];
}

/** The environment variable a kernel process reads its KernelWorkerData from. */
export const KERNEL_DATA_ENV = 'LOSSLAB_KERNEL_DATA';

export function openChannel(options: ChannelOptions): KernelChannel {
  return options.isolation === 'thread' ? threadChannel(options) : processChannel(options);
}

function threadChannel({ entry, data, memoryLimitMb, execArgv }: ChannelOptions): KernelChannel {
  const words = createInterruptWords();
  const workerData: KernelWorkerData = { ...data, interrupt: words };
  const worker = new Worker(entry, { workerData, execArgv: execArgv === undefined ? undefined : [...execArgv], resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb } });
  let terminated = false;
  let error: Error | undefined;
  worker.on('error', (e: Error) => (error = e));
  return {
    send: (message) => worker.postMessage(message),
    interrupt: (id) => requestInterrupt(words, id),
    terminate: async () => {
      terminated = true;
      await worker.terminate();
    },
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) =>
      worker.on('exit', () => {
        if (!terminated) listener({ outOfMemory: (error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY', detail: error?.message });
      }),
  };
}

function processChannel({ entry, data, memoryLimitMb, execArgv }: ChannelOptions): KernelChannel {
  const child = fork(entry, [], {
    execArgv: [...(execArgv ?? []), `--max-old-space-size=${memoryLimitMb}`],
    // The child computes the losses: let it reuse freed output memory (see mallocTunables.ts).
    env: { ...withMallocTunables(process.env), [KERNEL_DATA_ENV]: JSON.stringify(data) },
    serialization: 'advanced',
    // stdin carries interrupts (interruptFlag.ts).
    stdio: ['pipe', 'inherit', 'pipe', 'ipc'],
  });
  let terminated = false;
  let spawnError: Error | undefined;
  // V8 reports an exhausted heap on stderr just before aborting; keep the tail to recognise it.
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4096);
  });
  child.on('error', (e) => (spawnError = e));
  // A write to a kernel that just died fails with EPIPE; its exit is reported by onExit.
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    send: (message) => {
      if (child.connected) child.send(message);
    },
    interrupt: (id) => {
      if (child.stdin?.writable === true) child.stdin.write(interruptLine(id));
    },
    terminate: async () => {
      terminated = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    onMessage: (listener) => child.on('message', (message) => listener(message as WorkerMessage)),
    onExit: (listener) =>
      child.once('exit', (code, signal) => {
        if (terminated) return;
        const outOfMemory = /heap out of memory|Reached heap limit/.test(stderrTail);
        const last = stderrTail.trim().split('\n').filter((line) => /error/i.test(line)).pop();
        listener({ outOfMemory, detail: spawnError?.message ?? last ?? (signal === null ? `exit code ${code}` : `signal ${signal}`) });
      }),
  };
}
