import { join } from 'node:path';
import { build } from 'esbuild';

const BUNDLE = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' } as const;

/**
 * Bundles the notebook kernel's worker into `folder` as the extension's build makes
 * dist/kernelWorker.js, and with `withPool` the worker pool's dist/parallelWorker.js beside it (the
 * kernel's pool looks for it there); returns the kernel worker's path for a KernelProcess.
 */
export async function buildKernelWorker(folder: string, { withPool = false }: { withPool?: boolean } = {}): Promise<string> {
  const workerFile = join(folder, 'kernelWorker.js');
  await build({ ...BUNDLE, entryPoints: ['src/node/kernel/worker.ts'], outfile: workerFile });
  if (withPool) await build({ ...BUNDLE, entryPoints: ['src/node/parallel/worker.ts'], outfile: join(folder, 'parallelWorker.js') });
  return workerFile;
}

/** Bundles the `losslab` command into `folder` as the build makes dist/cli.js; returns its path. */
export async function buildCli(folder: string): Promise<string> {
  const cliFile = join(folder, 'cli.js');
  await build({ ...BUNDLE, entryPoints: ['src/cli/losslab.ts'], outfile: cliFile });
  return cliFile;
}
