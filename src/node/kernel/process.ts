import type { BinConvention } from '../../core/distributions';
import type { CellOutput } from '../../core/language/session';
import type { ValueSummary } from '../../core/language/values';
import { openChannel, type KernelChannel, type KernelIsolation } from './channel';
import type { HostMessage, KernelWorkerData, LoadProgress, WorkerMessage } from './protocol';

/**
 * One notebook's kernel as the extension host sees it: a child process (or worker thread, see
 * channel.ts) holding the notebook's Session, started, limited, interrupted and restarted
 * from here, never running cells on the host's thread. It never imports `vscode`, so it is tested
 * in plain Node. Cells run one at a time in call order.
 *
 * An interrupt is cooperative first: the cell hears it at its next checkpoint (every statement,
 * user-function call and block of a long core loop; see core/interrupt.ts and interruptFlag.ts),
 * ends with a KeyboardInterrupt error and leaves the scope as it was before the cell. Only a cell
 * that does not stop within the grace period (a busy mathjs builtin such as `inv` of a large
 * matrix has no checkpoint) is stopped by terminating its kernel, as are the time and memory
 * limits: SIGKILL, or `worker.terminate()`, stops JavaScript even in the middle of a computation,
 * so such a stop resets the scope; a fresh kernel is started at once.
 */

/**
 * The settings a cell runs under: its limits (time, memory, elements, the interrupt grace) and the
 * DFL bin convention. The host reads them from the settings at execution time.
 */
export interface KernelSettings {
  /** Wall-clock limit of one cell in milliseconds (setting losslab.kernel.timeLimitSeconds); ≤ 0 or ∞ means none. */
  readonly timeLimitMs: number;
  /** The kernel's V8 heap limit (setting losslab.kernel.memoryLimitMb). */
  readonly memoryLimitMb: number;
  /** The Session's element cap (setting losslab.kernel.elementCap). */
  readonly elementCap: number;
  /** What `reg_max` means without a convention (setting losslab.dfl.binConvention). */
  readonly binConvention?: BinConvention;
  /**
   * How long an interrupted cell may take to stop by itself before its kernel is terminated, in
   * milliseconds (setting losslab.kernel.interruptGraceSeconds); 2000 when absent.
   */
  readonly interruptGraceMs?: number;
}

export const DEFAULT_INTERRUPT_GRACE_MS = 2000;

export const DEFAULT_KERNEL_SETTINGS: KernelSettings = { timeLimitMs: 60_000, memoryLimitMb: 2048, elementCap: 10_000_000, binConvention: 'mmdetection', interruptGraceMs: DEFAULT_INTERRUPT_GRACE_MS };

export interface KernelProcessOptions {
  /** The bundled worker entry: `path.join(__dirname, 'kernelWorker.js')` in dist/. */
  readonly workerFile: string;
  /** The notebook's folder, against which `load` resolves relative paths. */
  readonly folder: string | undefined;
  /** Whether the workspace is trusted (see `setTrusted`). */
  readonly trusted: boolean;
  /**
   * Folders besides `folder` that `load` may read while the workspace is untrusted: the notebook's
   * workspace folder in the editor, each `--allow-path` of `losslab run` (see src/node/files/policy.ts).
   */
  readonly allowedFolders?: readonly string[];
  /** A child process (default: its memory limit cannot take the host down) or a worker thread. */
  readonly isolation?: KernelIsolation;
  /** Extra Node flags for the kernel (tests). */
  readonly execArgv?: string[];
}

/**
 * Why a cell did not finish: each of these terminated the worker and reset the scope. An interrupt
 * the cell heard is no stop: the run completes with a KeyboardInterrupt error output.
 */
export type StopReason = 'interrupted' | 'time-limit' | 'memory-limit' | 'crashed' | 'restarted' | 'disposed';

export type RunOutcome =
  | {
      readonly kind: 'completed';
      readonly outputs: CellOutput[];
      /** The worker was restarted before this cell to apply changed memory or element-cap settings. */
      readonly restartedForSettings: boolean;
    }
  /** `outputs` holds one error output that says what happened and that the scope was reset. */
  | { readonly kind: 'stopped'; readonly reason: StopReason; readonly outputs: CellOutput[] };

/** A run or variables request waiting for the kernel's answer. */
interface Pending {
  readonly id: number;
  readonly channel: KernelChannel;
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly settle: (message: WorkerMessage | StopReason) => void;
  timer?: ReturnType<typeof setTimeout>;
  /** Set once the request was asked to stop: terminates the kernel when the grace period ends. */
  graceTimer?: ReturnType<typeof setTimeout>;
}

/** One started kernel and what it was started with. */
interface Live {
  readonly channel: KernelChannel;
  readonly limits: Pick<KernelSettings, 'memoryLimitMb' | 'elementCap' | 'binConvention'>;
  readonly ready: Promise<void>;
  /** Whether a cell has run in it, i.e. whether a restart loses anything. */
  used: boolean;
  /** Whether it finished starting; one that dies before that is not restarted automatically. */
  started: boolean;
  /** Why it ended by itself, for the crash message. */
  detail?: string;
}

const RESET = 'The kernel was restarted, so the scope was reset: variables and functions defined by earlier cells are gone; re-run those cells.';

/** The error output a stopped cell shows; line 0 means it concerns the whole cell, not a position. */
export function stopOutput(reason: StopReason, limits: KernelSettings, detail?: string): CellOutput {
  const seconds = limits.timeLimitMs / 1000;
  const grace = (limits.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS) / 1000;
  const what: Record<StopReason, [string, string]> = {
    interrupted: ['KernelInterrupted', `The cell was interrupted and did not stop within ${grace} s (setting losslab.kernel.interruptGraceSeconds), so its kernel was stopped.`],
    'time-limit': ['TimeLimitExceeded', `The cell ran longer than the time limit of ${seconds} s (setting losslab.kernel.timeLimitSeconds) and was stopped.`],
    'memory-limit': ['MemoryLimitExceeded', `The cell needed more memory than the limit of ${limits.memoryLimitMb} MB (setting losslab.kernel.memoryLimitMb) and was stopped.`],
    crashed: ['KernelCrashed', `The kernel stopped unexpectedly${detail === undefined ? '' : ` (${detail})`}.`],
    restarted: ['KernelRestarted', 'The kernel was restarted while the cell ran.'],
    disposed: ['KernelDisposed', 'The notebook was closed while the cell ran.'],
  };
  const [name, sentence] = what[reason];
  return { kind: 'error', line: 0, column: 0, name, message: `${sentence} ${RESET}` };
}

export class KernelProcess {
  private live: Live | undefined;
  private pending: Pending | undefined;
  /** Runs and requests execute one after another in call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private nextId = 1;
  private trusted: boolean;
  private disposed = false;
  private lastLimits: KernelSettings = DEFAULT_KERNEL_SETTINGS;

  /** Called after every scope reset (stop, restart), e.g. to restart execution order at 1. */
  onDidReset: (() => void) | undefined;

  constructor(private readonly options: KernelProcessOptions) {
    this.trusted = options.trusted;
  }

  /** Whether a cell is running now. */
  get busy(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Runs one cell's text under `limits` and resolves with its outputs, or with a stop (interrupt,
   * time limit, memory limit, crash) after which the scope is fresh. Never rejects.
   */
  run(source: string, limits: KernelSettings = DEFAULT_KERNEL_SETTINGS, onProgress?: (progress: LoadProgress) => void): Promise<RunOutcome> {
    return this.enqueue(async () => {
      if (this.disposed) return { kind: 'stopped', reason: 'disposed', outputs: [stopOutput('disposed', limits)] };
      let restartedForSettings = false;
      if (this.live !== undefined && (this.live.limits.memoryLimitMb !== limits.memoryLimitMb || this.live.limits.elementCap !== limits.elementCap || this.live.limits.binConvention !== limits.binConvention)) {
        restartedForSettings = this.live.used;
        await this.terminate(this.live);
        if (restartedForSettings) this.onDidReset?.();
      }
      const live = this.ensureLive(limits);
      live.used = true;
      this.lastLimits = limits;
      const answer = await this.request(live, { type: 'run', id: this.nextId++, source }, limits.timeLimitMs, onProgress);
      if (typeof answer === 'string') return { kind: 'stopped', reason: answer, outputs: [stopOutput(answer, limits, live.detail)] };
      if (answer.type !== 'result') return { kind: 'stopped', reason: 'crashed', outputs: [stopOutput('crashed', limits, `unexpected answer ${answer.type}`)] };
      return { kind: 'completed', outputs: answer.outputs, restartedForSettings };
    });
  }

  /** The scope's variables with summaries (for hovers); empty when the kernel is stopped. */
  variables(): Promise<{ name: string; summary: ValueSummary }[]> {
    return this.enqueue(async () => {
      if (this.live === undefined) return [];
      const answer = await this.request(this.live, { type: 'variables', id: this.nextId++ }, this.lastLimits.timeLimitMs);
      return typeof answer !== 'string' && answer.type === 'variables' ? answer.variables : [];
    });
  }

  /**
   * Asks the running cell, if any, to stop at its next checkpoint; it then completes with a
   * KeyboardInterrupt error and the scope it had before. If it has not stopped when the grace
   * period ends, the worker is terminated (reason 'interrupted', scope reset). Returns whether a
   * cell was running.
   */
  interrupt(): boolean {
    const pending = this.pending;
    if (pending === undefined) return false;
    if (pending.graceTimer !== undefined) return true;
    pending.channel.interrupt(pending.id);
    const grace = this.lastLimits.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS;
    pending.graceTimer = setTimeout(() => {
      if (this.pending === pending) this.stop('interrupted');
    }, Math.max(0, grace));
    return true;
  }

  /** Terminates the worker (stopping any running cell) and starts a fresh one with an empty scope. */
  async restart(): Promise<void> {
    if (this.stop('restarted')) return;
    const live = this.live;
    this.onDidReset?.();
    if (live !== undefined) await this.terminate(live);
    if (!this.disposed && this.live === undefined) this.ensureLive(this.lastLimits);
  }

  /** Grants or withdraws the worker's access to files outside the notebook's folder. */
  setTrusted(trusted: boolean): void {
    this.trusted = trusted;
    this.live?.channel.send({ type: 'trust', trusted });
  }

  /** Stops everything; later runs resolve as stopped with reason 'disposed'. */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.stop('disposed');
    if (this.live !== undefined) await this.terminate(this.live);
  }

  private enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.queue.then(task, task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Sends one message and waits for its answer, the time limit, a stop or the worker's death. */
  private async request(live: Live, message: HostMessage & { id: number }, timeLimitMs: number, onProgress?: (progress: LoadProgress) => void): Promise<WorkerMessage | StopReason> {
    if (this.disposed) return 'disposed';
    const answer = new Promise<WorkerMessage | StopReason>((settle) => {
      this.pending = { id: message.id, channel: live.channel, onProgress, settle };
    });
    const pending = this.pending as Pending;
    // The limit counts the cell's time, not the worker's start-up (loading mathjs).
    live.ready.then(
      () => {
        if (this.pending !== pending) return;
        live.channel.send(message);
        if (timeLimitMs > 0 && Number.isFinite(timeLimitMs)) pending.timer = setTimeout(() => this.stop('time-limit'), timeLimitMs);
      },
      () => undefined,
    );
    const result = await answer;
    if (pending.timer !== undefined) clearTimeout(pending.timer);
    if (pending.graceTimer !== undefined) clearTimeout(pending.graceTimer);
    if (this.pending === pending) this.pending = undefined;
    return result;
  }

  /** Settles the running request with `reason` and replaces its worker. */
  private stop(reason: StopReason): boolean {
    const pending = this.pending;
    if (pending === undefined) return false;
    this.pending = undefined;
    const live = this.live;
    if (live !== undefined && live.channel === pending.channel) {
      this.onDidReset?.();
      void this.terminate(live).then(() => {
        if (!this.disposed && this.live === undefined) this.ensureLive(this.lastLimits);
      });
    }
    pending.settle(reason);
    return true;
  }

  private async terminate(live: Live): Promise<void> {
    if (this.live === live) this.live = undefined;
    await live.channel.terminate();
  }

  private ensureLive(limits: KernelSettings): Live {
    if (this.live !== undefined) return this.live;
    const data: KernelWorkerData = { folder: this.options.folder, allowedFolders: [...(this.options.allowedFolders ?? [])], trusted: this.trusted, elementCap: limits.elementCap, binConvention: limits.binConvention };
    const channel = openChannel({ isolation: this.options.isolation ?? 'process', entry: this.options.workerFile, data, memoryLimitMb: limits.memoryLimitMb, execArgv: this.options.execArgv });
    let markReady: () => void = () => undefined;
    let fail: () => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      fail = () => reject(new Error('the kernel exited'));
    });
    ready.catch(() => undefined);
    const live: Live = { channel, limits: { memoryLimitMb: limits.memoryLimitMb, elementCap: limits.elementCap, binConvention: limits.binConvention }, ready, used: false, started: false };
    channel.onMessage((message) => this.receive(live, message, markReady));
    // Only exits the host did not ask for arrive here: out of memory, or a crash.
    channel.onExit((exit) => {
      fail();
      live.detail = exit.detail;
      if (this.live === live) this.live = undefined;
      const pending = this.pending;
      if (pending !== undefined && pending.channel === channel) {
        this.pending = undefined;
        pending.settle(exit.outOfMemory ? 'memory-limit' : 'crashed');
      }
      this.onDidReset?.();
      // A kernel that never started (a missing bundle, a start-up error) is retried by the next run
      // only, so that a broken installation does not restart forever.
      if (live.started && !this.disposed && this.live === undefined) this.ensureLive(this.lastLimits);
    });
    this.live = live;
    return live;
  }

  private receive(live: Live, message: WorkerMessage, markReady: () => void): void {
    if (message.type === 'ready') {
      live.started = true;
      markReady();
      return;
    }
    const pending = this.pending;
    if (pending === undefined || pending.channel !== live.channel || pending.id !== message.id) return;
    if (message.type === 'progress') {
      pending.onProgress?.({ path: message.path, loadedBytes: message.loadedBytes, totalBytes: message.totalBytes });
      return;
    }
    this.pending = undefined;
    pending.settle(message);
  }
}
