import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildKernelWorker } from '../../helpers/kernelWorker';
import type { CellOutput } from '../../../src/core/language/session';
import type { KernelIsolation } from '../../../src/node/kernel/channel';
import { DEFAULT_KERNEL_SETTINGS, KernelProcess, type KernelSettings, type RunOutcome } from '../../../src/node/kernel/process';

// The worker runs from a bundle built here exactly as the extension's build makes dist/kernelWorker.js.
const scratch = mkdtempSync(join(tmpdir(), 'losslab-interrupt-'));
const workerFile = join(scratch, 'kernelWorker.js');

/** Exponential work with no end in sight: f(60) needs ~10^12 calls. */
const ENDLESS = 'f(n) = n < 2 ? 1 : f(n - 1) + f(n - 2) + 1\nf(60)';
/**
 * A grace period no cooperative stop comes near: a run that ends before it was not terminated, and
 * the outcome says so (a termination is a 'stopped' outcome).
 */
const PATIENT: KernelSettings = { ...DEFAULT_KERNEL_SETTINGS, timeLimitMs: 120_000, interruptGraceMs: 60_000 };
/** Far below the grace period and the time limit: it was the cooperative interrupt that stopped the cell. */
const STOP_WITHIN_MS = 20_000;

const kernels: KernelProcess[] = [];
function kernel(isolation: KernelIsolation = 'process'): KernelProcess {
  const created = new KernelProcess({ workerFile, folder: scratch, trusted: false, isolation });
  kernels.push(created);
  return created;
}

const errors = (outputs: CellOutput[]): Extract<CellOutput, { kind: 'error' }>[] => outputs.filter((o): o is Extract<CellOutput, { kind: 'error' }> => o.kind === 'error');
const text = (outcome: RunOutcome): string => outcome.outputs.map((o) => (o.kind === 'error' ? `${o.name}: ${o.message}` : o.markdown)).join('\n');

async function clean(run: Promise<RunOutcome>): Promise<string> {
  const outcome = await run;
  assert.equal(outcome.kind, 'completed', text(outcome));
  assert.deepEqual(errors(outcome.outputs), [], text(outcome));
  return text(outcome);
}

/** Starts `cell`, interrupts it once it has run for `afterMs`, and returns its outcome and how long the stop took. */
async function interruptAfter(k: KernelProcess, cell: string, afterMs: number, limits: KernelSettings): Promise<{ outcome: RunOutcome; stopMs: number }> {
  const running = k.run(cell, limits);
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  assert.equal(k.busy, true, 'the cell is still running when interrupted');
  const interruptedAt = Date.now();
  assert.equal(k.interrupt(), true);
  const outcome = await running;
  return { outcome, stopMs: Date.now() - interruptedAt };
}

/** The interrupted cell completed (its kernel lives on) with one KeyboardInterrupt error at `line`. */
function assertKeyboardInterrupt(outcome: RunOutcome, stopMs: number, line: number): void {
  assert.equal(outcome.kind, 'completed', text(outcome));
  const failed = errors(outcome.outputs);
  assert.equal(failed.length, 1, text(outcome));
  assert.equal(failed[0].name, 'KeyboardInterrupt');
  assert.equal(failed[0].line, line);
  assert.match(failed[0].message, /interrupted/);
  assert.ok(stopMs < STOP_WITHIN_MS, `stopped ${stopMs} ms after the interrupt`);
}

before(async () => {
  await buildKernelWorker(scratch);
});

after(async () => {
  await Promise.all(kernels.map((k) => k.dispose()));
  rmSync(scratch, { recursive: true, force: true });
});

describe('KernelProcess: an interrupt keeps the scope', () => {
  for (const isolation of ['process', 'thread'] as const) {
    it(`stops an endless user recursion; the scope is as before the cell and the next cell runs (${isolation})`, async () => {
      const k = kernel(isolation);
      let resets = 0;
      k.onDidReset = () => resets++;
      await clean(k.run('x = 42\ng(t) = t + 1', PATIENT));
      const { outcome, stopMs } = await interruptAfter(k, `x = 7\npartial = 1\n${ENDLESS}`, 600, PATIENT);
      // Line 4: `f(60)`, after the definition on line 3.
      assertKeyboardInterrupt(outcome, stopMs, 4);
      assert.equal(resets, 0, 'the kernel was not restarted');
      assert.equal(k.interrupt(), false, 'nothing runs now');
      assert.match(await clean(k.run('x + g(1)', PATIENT)), /`44`/);
      const names = (await k.variables()).map((v) => v.name).sort();
      assert.deepEqual(names, ['x'], 'partial and f were undone; g is a function, not a variable');
      const undone = await k.run('partial');
      assert.match(text(undone), /Undefined symbol partial/);
    });
  }

  it('stops a long pooled core call (batch-hard mining of 20000 embeddings) between its blocks', async () => {
    const k = kernel();
    await clean(k.run('x = 42\nemb = random([20000, 64]);\nlabels = mod(0:19999, 100);', PATIENT));
    const { outcome, stopMs } = await interruptAfter(k, 'mined = batch_hard(emb, labels)', 500, PATIENT);
    assertKeyboardInterrupt(outcome, stopMs, 1);
    assert.match(await clean(k.run('x', PATIENT)), /`42`/);
    assert.match(text(await k.run('mined')), /Undefined symbol mined/);
    // The pool is usable again: a small mining call completes.
    assert.match(await clean(k.run('batch_hard(emb[1:200, :], labels[1:200]).loss', PATIENT)), /`[\d.e+-]+`/);
  });

  it('terminates a cell that does not stop within the grace period, with the reset message', async () => {
    const k = kernel();
    let resets = 0;
    k.onDidReset = () => resets++;
    const hasty: KernelSettings = { ...PATIENT, interruptGraceMs: 300 };
    await clean(k.run('kept = 1\na = random([400, 400]);', hasty));
    // mathjs's inv has no checkpoint: seconds of work for a 400 × 400 matrix.
    const { outcome, stopMs } = await interruptAfter(k, 'b = inv(a)', 300, hasty);
    assert.equal(outcome.kind, 'stopped', text(outcome));
    assert.equal(outcome.kind === 'stopped' && outcome.reason, 'interrupted');
    assert.ok(stopMs >= 300 && stopMs < STOP_WITHIN_MS, `terminated ${stopMs} ms after the interrupt`);
    assert.match(text(outcome), /KernelInterrupted: .*did not stop within 0\.3 s \(setting losslab\.kernel\.interruptGraceSeconds\).*scope was reset/);
    assert.equal(resets, 1);
    assert.match(text(await k.run('kept', hasty)), /Undefined symbol kept/);
  });
});
