import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildKernelWorker } from '../../helpers/kernelWorker';
import type { CellOutput } from '../../../src/core/language/session';
import { KernelProcess, DEFAULT_KERNEL_SETTINGS, type KernelSettings, type RunOutcome } from '../../../src/node/kernel/process';
import type { LoadProgress } from '../../../src/node/kernel/protocol';

// The worker runs from a bundle built here exactly as the extension's build makes dist/kernelWorker.js.
const scratch = mkdtempSync(join(tmpdir(), 'losslab-kernel-'));
const workerFile = join(scratch, 'kernelWorker.js');
const folder = join(scratch, 'notebooks');
const outside = join(scratch, 'outside');
const fixtures = resolve('test/fixtures/io');

/** Exponential work with no end in sight: f(100) needs ~10^21 calls. */
const ENDLESS = 'f(n) = n <= 1 ? 1 : f(n - 1) + f(n - 2) + 1\nf(100)';

const kernels: KernelProcess[] = [];
function kernel(trusted = false): KernelProcess {
  const created = new KernelProcess({ workerFile, folder, trusted });
  kernels.push(created);
  return created;
}

/** One kernel for the tests that need no fresh one: each start loads mathjs (about half a second). */
let sharedKernel: KernelProcess | undefined;
const shared = (): KernelProcess => (sharedKernel ??= kernel());

function completed(outcome: RunOutcome): CellOutput[] {
  assert.equal(outcome.kind, 'completed', JSON.stringify(outcome));
  return outcome.outputs;
}

/** A setup cell: it must complete without an error output. */
function clean(outcome: RunOutcome): void {
  assert.ok(completed(outcome).every((o) => o.kind !== 'error'), JSON.stringify(outcome));
}

function only(outputs: CellOutput[], kind: CellOutput['kind']): CellOutput {
  assert.equal(outputs.length, 1, JSON.stringify(outputs));
  assert.equal(outputs[0].kind, kind, JSON.stringify(outputs));
  return outputs[0];
}

const valueText = (outputs: CellOutput[]): string => {
  const output = only(outputs, 'value');
  return output.kind === 'value' ? output.markdown : '';
};
const errorText = (outputs: CellOutput[]): string => {
  const output = only(outputs, 'error');
  return output.kind === 'error' ? output.message : '';
};

/** A version 1.0 .npy header for a little-endian float64 vector of `length` elements. */
function npyFloat64(length: number): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${length},), }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + 8 * length);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  for (let i = 0; i < header.length; i++) bytes[10 + i] = header.charCodeAt(i);
  const data = new Float64Array(bytes.buffer, 10 + header.length, length);
  for (let i = 0; i < length; i++) data[i] = i % 7;
  return bytes;
}

before(async () => {
  await buildKernelWorker(scratch);
  mkdirSync(join(folder, 'sub'), { recursive: true });
  mkdirSync(outside, { recursive: true });
  copyFileSync(join(fixtures, 'npz/stored.npz'), join(folder, 'stored.npz'));
  copyFileSync(join(fixtures, 'npy/empty_0x4.npy'), join(folder, 'sub/empty_0x4.npy'));
  copyFileSync(join(fixtures, 'npy/b1.npy'), join(outside, 'b1.npy'));
});

after(async () => {
  await Promise.all(kernels.map((k) => k.dispose()));
  rmSync(scratch, { recursive: true, force: true });
});

describe('KernelProcess: running cells', () => {
  it('keeps the scope across cells and runs queued cells in call order', async () => {
    const k = shared();
    const [first, second, third] = await Promise.all([k.run('x = 2'), k.run('y = x * 10'), k.run('x + y')]);
    assert.match(valueText(completed(first)), /`x` = `2`/);
    assert.match(valueText(completed(second)), /`y` = `20`/);
    assert.match(valueText(completed(third)), /`22`/);
    const names = (await k.variables()).map((v) => v.name).sort();
    assert.deepEqual(names, ['x', 'y']);
  });

  it('returns a cell error with its position and keeps running', async () => {
    const k = shared();
    const error = only(completed(await k.run('a = 1\nb = a +')), 'error');
    assert.equal(error.kind === 'error' && error.line, 2);
    assert.match(valueText(completed(await k.run('a'))), /`1`/);
  });
});

describe('KernelProcess: stopping runaway cells', () => {
  // Interrupts (cooperative, then terminating after the grace period): interrupt.test.ts.

  it('the time limit stops an endless computation and the kernel keeps working', async () => {
    const k = kernel();
    const limits: KernelSettings = { ...DEFAULT_KERNEL_SETTINGS, timeLimitMs: 700 };
    clean(await k.run('kept = 1', limits));
    const started = Date.now();
    const outcome = await k.run(ENDLESS, limits);
    const elapsed = Date.now() - started;
    // Not before the limit; the upper bound only says it did stop, however loaded the machine.
    assert.ok(elapsed >= 650 && elapsed < 30_000, `stopped after ${elapsed} ms`);
    assert.equal(outcome.kind === 'stopped' && outcome.reason, 'time-limit');
    assert.match(errorText(outcome.outputs), /time limit of 0\.7 s .*losslab\.kernel\.timeLimitSeconds.*scope was reset/);
    assert.match(errorText(completed(await k.run('kept', limits))), /Undefined symbol kept/);
    assert.match(valueText(completed(await k.run('1 + 1', limits))), /`2`/);
  });

  it('the memory limit stops runaway allocations, and the host process survives them', async () => {
    const k = kernel();
    // Intermediate matrices inside a user function are never results, so only the heap limit stops them.
    const limits: KernelSettings = { timeLimitMs: 20_000, memoryLimitMb: 96, elementCap: 10_000_000 };
    const doubling = await k.run('g(m, n) = n == 0 ? m : g(concat(m, m), n - 1)\ng([1, 2, 3, 4], 40)', limits);
    assert.equal(doubling.kind === 'stopped' && doubling.reason, 'memory-limit', JSON.stringify(doubling));
    assert.match(errorText(doubling.outputs), /more memory than the limit of 96 MB .*losslab\.kernel\.memoryLimitMb.*scope was reset/);
    // One 800 MB allocation far past the limit: in a worker thread this aborts the whole process
    // (nodejs/node#47224); the kernel's own process must absorb it.
    const uncapped: KernelSettings = { ...limits, elementCap: 1e12 };
    const single = await k.run('ones(1e8)', uncapped);
    assert.equal(single.kind === 'stopped' && single.reason, 'memory-limit', JSON.stringify(single));
    assert.match(valueText(completed(await k.run('2 * 3', uncapped))), /`6`/);
  });

  it('restart resets the scope; changed cap settings restart the worker before the next cell', async () => {
    const k = kernel();
    clean(await k.run('x = 5'));
    await k.restart();
    assert.match(errorText(completed(await k.run('x'))), /Undefined symbol x/);
    clean(await k.run('x = 5'));
    const outcome = await k.run('x', { ...DEFAULT_KERNEL_SETTINGS, elementCap: 100 });
    assert.equal(outcome.kind === 'completed' && outcome.restartedForSettings, true);
    assert.match(errorText(outcome.outputs), /Undefined symbol x/);
    assert.match(errorText(completed(await k.run('ones(20, 20)', { ...DEFAULT_KERNEL_SETTINGS, elementCap: 100 }))), /cap of 100/);
  });

  it('a worker that cannot start reports a crash instead of restarting forever', async () => {
    const broken = new KernelProcess({ workerFile: join(scratch, 'missing.js'), folder, trusted: false });
    kernels.push(broken);
    const outcome = await broken.run('1');
    assert.equal(outcome.kind === 'stopped' && outcome.reason, 'crashed');
    assert.match(errorText(outcome.outputs), /stopped unexpectedly/);
  });

  it('after dispose, runs resolve as stopped without starting a worker', async () => {
    const k = kernel();
    completed(await k.run('1'));
    await k.dispose();
    const outcome = await k.run('1');
    assert.equal(outcome.kind === 'stopped' && outcome.reason, 'disposed');
  });
});

describe('KernelProcess: worker-thread isolation', () => {
  it('runs cells with a shared scope and stops an endless one', async () => {
    const k = new KernelProcess({ workerFile, folder, trusted: false, isolation: 'thread' });
    kernels.push(k);
    clean(await k.run('x = 3'));
    assert.match(valueText(completed(await k.run('x ^ 2'))), /`9`/);
    const outcome = await k.run(ENDLESS, { ...DEFAULT_KERNEL_SETTINGS, timeLimitMs: 500 });
    assert.equal(outcome.kind === 'stopped' && outcome.reason, 'time-limit');
    assert.match(errorText(completed(await k.run('x'))), /Undefined symbol x/);
  });
});

describe('KernelProcess: load()', () => {
  it('reads .npz and .npy files relative to the notebook folder as matrices and tensors', async () => {
    const k = shared();
    clean(await k.run('d = load("stored.npz")'));
    // boxes is arange(16).reshape(4, 4); mathjs indexes from 1.
    assert.match(valueText(completed(await k.run('d.boxes[2, 3]'))), /`6`/);
    assert.match(valueText(completed(await k.run('sum(d.label)'))), /`2`/); // int64 [0, 2, -1, 1]
    assert.match(valueText(completed(await k.run('sum(d.flags)'))), /`3`/); // bool [1, 0, 1, 1]
    const empty = only(completed(await k.run('e = load("sub/empty_0x4.npy").empty_0x4')), 'value');
    assert.deepEqual(empty.kind === 'value' && empty.summary.shape, [0, 4]);
  });

  it('refuses absolute paths and paths leaving the folder when untrusted, and allows them when trusted', async () => {
    const k = kernel(false);
    const absolute = JSON.stringify(join(outside, 'b1.npy'));
    assert.match(errorText(completed(await k.run(`load(${absolute})`))), /untrusted workspace/);
    assert.match(errorText(completed(await k.run('load("../outside/b1.npy")'))), /untrusted workspace/);
    k.setTrusted(true);
    assert.match(valueText(completed(await k.run(`sum(load(${absolute}).b1)`))), /`3`/);
    assert.match(valueText(completed(await k.run('sum(load("../outside/b1.npy").b1)'))), /`3`/);
    const trusted = kernel(true);
    assert.match(valueText(completed(await trusted.run(`sum(load(${absolute}).b1)`))), /`3`/);
  });

  it('names a missing file in the error', async () => {
    const k = shared();
    assert.match(errorText(completed(await k.run('load("nope.npz")'))), /nope\.npz.*does not exist/);
  });

  it('reports progress while reading a file over 50 MB, and every mathjs function takes the array', async () => {
    const length = 6_700_000; // 53.6 MB of float64
    writeFileSync(join(folder, 'big.npy'), npyFloat64(length));
    const k = shared();
    const progress: LoadProgress[] = [];
    clean(await k.run('big = load("big.npy").big', DEFAULT_KERNEL_SETTINGS, (p) => progress.push(p)));
    assert.ok(progress.length >= 3, `${progress.length} progress messages`);
    const last = progress[progress.length - 1];
    assert.equal(last.loadedBytes, last.totalBytes);
    assert.equal(last.path, 'big.npy');
    // Its summary is exact (0..6 repeated).
    const summary = only(completed(await k.run('big')), 'value');
    assert.deepEqual(summary.kind === 'value' && summary.summary.shape, [length]);
    assert.equal(summary.kind === 'value' && summary.summary.max, 6);
    // Arrays above a million elements stayed bare tensors in the kernel, where mathjs's own
    // functions failed with a TypeError (losslab run gave matrices): now both give backed matrices.
    assert.match(valueText(completed(await k.run('size(big)'))), /`\[6700000\]`/);
    assert.match(valueText(completed(await k.run('big[9]'))), /`1`/); // 8 % 7
  });
});
