import { statSync } from 'node:fs';
import { InputError } from '../../core/errors';
import type { QflStreamHost, QflStreamRequest } from '../../core/language/hosts';
import type { qualityFocalLoss } from '../../core/losses/qfl';
import { runQflStream, type QflStreamFiles } from './qflStream';

/**
 * The Node side of the language's `qfl_stream`: resolves the three paths the way the host's
 * `load` does, then runs runQflStream over them. Shared by the kernel worker and the CLI so that a
 * cell means the same in both.
 */

/** Bytes of the three files read so far, out of their total (for the host's progress bar). */
export interface StreamBytesProgress {
  /** The pred path as written in the cell. */
  readonly path: string;
  readonly loadedBytes: number;
  readonly totalBytes: number;
}

export interface QflStreamHostOptions {
  /** The absolute file a path written in a cell names (throws an InputError when it may not be read). */
  readonly resolvePath: (request: string) => string;
  /** The per-chunk kernel, e.g. the parallel pool's; the core's by default. */
  readonly qualityFocalLoss?: typeof qualityFocalLoss;
  /** Called before the first chunk and after each. */
  readonly onProgress?: (progress: StreamBytesProgress) => void;
}

const ARGUMENTS = { pred: 'pred_path', label: 'label_path', score: 'score_path' } as const;

export function createQflStreamHost(options: QflStreamHostOptions): QflStreamHost {
  return (request: QflStreamRequest) => {
    const files = {} as { -readonly [K in keyof QflStreamFiles]: string };
    let totalBytes = 0;
    for (const key of ['pred', 'label', 'score'] as const) {
      const file = options.resolvePath(request[key]);
      totalBytes += fileSize(ARGUMENTS[key], request[key], file);
      files[key] = file;
    }
    const onProgress = options.onProgress;
    onProgress?.({ path: request.pred, loadedBytes: 0, totalBytes });
    const result = runQflStream(files, {
      ...(request.beta !== undefined ? { beta: request.beta } : {}),
      ...(request.labelConvention !== undefined ? { labelConvention: request.labelConvention } : {}),
      ...(request.reduction !== undefined ? { reduction: request.reduction } : {}),
      ...(request.chunkRows !== undefined ? { chunkRows: request.chunkRows } : {}),
      ...(request.precision !== undefined ? { precision: request.precision } : {}),
      ...(options.qualityFocalLoss !== undefined ? { qualityFocalLoss: options.qualityFocalLoss } : {}),
      ...(onProgress !== undefined
        ? { onProgress: ({ rows, totalRows }) => onProgress({ path: request.pred, loadedBytes: totalRows === 0 ? totalBytes : Math.round((totalBytes * rows) / totalRows), totalBytes }) }
        : {}),
    });
    // An empty export has no chunk: still tell the host that reading is over.
    if (result.rows === 0) onProgress?.({ path: request.pred, loadedBytes: totalBytes, totalBytes });
    return result;
  };
}

/** A file's size, or the sentence a cell shows when it is missing or a folder. */
function fileSize(argument: string, request: string, file: string): number {
  let size: number;
  try {
    const stats = statSync(file);
    if (!stats.isFile()) throw new InputError('qfl_stream', argument, 'a .npy file (a regular file)', `${JSON.stringify(request)}, which is ${stats.isDirectory() ? 'a folder' : 'not a regular file'}`);
    size = stats.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError('qfl_stream', argument, `an existing .npy file (looked for ${file})`, JSON.stringify(request));
  }
  return size;
}
