import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { KernelEntry } from '../../src/cli/kernelHost';
import { main } from '../../src/cli/main';
import { buildKernelWorker } from './kernelWorker';

/** What one in-process `losslab` invocation printed and returned. */
export interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * For a test file of the runner: a scratch folder (removed after the file's tests) and `main` run
 * in-process with the kernel worker bundled into that folder once, before the tests, as
 * dist/kernelWorker.js is (the worker's sources under tsx would start slowly for every notebook).
 * Call it at the top level of the test file.
 */
export function inProcessCli(prefix: string): { work: string; run: (...args: string[]) => Promise<CliResult> } {
  const work = mkdtempSync(join(tmpdir(), prefix));
  let kernelEntry: KernelEntry | undefined;
  before(async () => {
    kernelEntry = { workerFile: await buildKernelWorker(join(work, 'kernel')) };
  });
  after(() => rmSync(work, { recursive: true, force: true }));
  const run = async (...args: string[]): Promise<CliResult> => {
    let stdout = '';
    let stderr = '';
    const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, kernelEntry === undefined ? {} : { kernelEntry });
    return { status, stdout, stderr };
  };
  return { work, run };
}
