import { setKernelPath, type KernelPath } from '../../src/core/simd/path';

/** Runs `run` with the kernel path forced to `path`, and puts `auto` back afterwards, whatever happens. */
export function onPath<T>(path: KernelPath, run: () => T): T {
  setKernelPath(path);
  try {
    return run();
  } finally {
    setKernelPath('auto');
  }
}
