import type { BinConvention } from '../../core/distributions';
import type { CellOutput } from '../../core/language/session';
import type { ValueSummary } from '../../core/language/values';

/**
 * The messages between the extension host (KernelProcess) and one notebook's kernel worker
 * (worker.ts). Everything here is structured-clone data: no functions, no class instances.
 */

/** What the worker is started with (`workerData`). */
export interface KernelWorkerData {
  /** The folder `load("x.npz")` resolves relative paths against; undefined for an unsaved notebook. */
  readonly folder: string | undefined;
  /** Whether the workspace is trusted: only then may `load` read files outside `folder` and `allowedFolders`. */
  readonly trusted: boolean;
  /** Folders besides `folder` an untrusted `load` may read (symlinks followed): the workspace folder, `--allow-path`s. */
  readonly allowedFolders?: readonly string[];
  /** The Session's element cap (setting losslab.kernel.elementCap). */
  readonly elementCap: number;
  /** What `reg_max` means without a convention (setting losslab.dfl.binConvention). */
  readonly binConvention?: BinConvention;
  /**
   * The interrupt words shared with the host (interruptFlag.ts), for a kernel thread only: a kernel
   * process makes its own and hears interrupts on its stdin.
   */
  readonly interrupt?: Int32Array;
}

export type HostMessage =
  | { readonly type: 'run'; readonly id: number; readonly source: string }
  | { readonly type: 'variables'; readonly id: number }
  | { readonly type: 'trust'; readonly trusted: boolean };

/** A file read in progress, posted while a large file (> 50 MB) is being read. */
export interface LoadProgress {
  readonly path: string;
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'result'; readonly id: number; readonly outputs: CellOutput[] }
  | { readonly type: 'variables'; readonly id: number; readonly variables: { name: string; summary: ValueSummary }[] }
  | ({ readonly type: 'progress'; readonly id: number } & LoadProgress);
