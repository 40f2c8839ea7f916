import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KernelProcess, type KernelSettings } from '../node/kernel/process';
import type { CellHost } from './runNotebook';

/**
 * `losslab run`'s cell host: the editor's kernel (KernelProcess over the same worker bundle), so
 * that a notebook meets one set of limits wherever it runs. Each notebook gets its own kernel
 * process, untrusted: `load` reads its folder and the `--allow-path` folders only.
 */

/** The kernel entry and the Node flags it needs: dist/kernelWorker.js beside the CLI bundle, or the source under tsx. */
export interface KernelEntry {
  readonly workerFile: string;
  readonly execArgv?: string[];
}

/**
 * The bundled CLI (dist/cli.js) starts dist/kernelWorker.js beside it, as the extension does. Run
 * from the sources (tsx: tests, `npm run tour`) it starts the worker's source under tsx, so that a
 * test never runs a stale bundle. Throws when the bundle is missing, which only a broken
 * installation can cause.
 */
export function kernelEntry(): KernelEntry {
  if (__filename.endsWith('.ts')) return { workerFile: resolve(__dirname, '../node/kernel/worker.ts'), execArgv: ['--import', 'tsx'] };
  const workerFile = join(__dirname, 'kernelWorker.js');
  if (!existsSync(workerFile)) throw new Error(`the kernel bundle ${workerFile} is missing; reinstall losslab, or run npm run build`);
  return { workerFile };
}

/** A kernel process for one notebook in `folder`, as a cell host under `limits`; dispose it when the notebook is done. */
export function kernelHost(folder: string, allowedFolders: readonly string[], limits: KernelSettings, entry: KernelEntry = kernelEntry()): CellHost & { dispose(): Promise<void> } {
  const kernel = new KernelProcess({ workerFile: entry.workerFile, ...(entry.execArgv !== undefined && { execArgv: entry.execArgv }), folder, allowedFolders, trusted: false });
  return {
    run: async (source) => {
      const outcome = await kernel.run(source, limits);
      return outcome.kind === 'completed' ? { outputs: outcome.outputs } : { outputs: outcome.outputs, stopped: outcome.reason };
    },
    dispose: () => kernel.dispose(),
  };
}
