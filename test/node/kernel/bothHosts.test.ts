import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildKernelWorker } from '../../helpers/kernelWorker';
import { runNotebook, isRunnable, sessionHost } from '../../../src/cli/runNotebook';
import { parseNotebook } from '../../../src/core/notebook/format';
import { outputItems } from '../../../src/core/notebook/outputs';
import { KernelProcess } from '../../../src/node/kernel/process';
import { createNodeSession } from '../../../src/node/session';

/**
 * A notebook run in the kernel process (the VS Code kernel, and `losslab run` since it runs cells
 * there too) and in an in-process node session (what the fuzz harness drives) must store the same
 * outputs, byte for byte, errors included: one loader, one session set-up, one output mapping.
 */

const samples = resolve('samples');
const scratch = mkdtempSync(join(tmpdir(), 'losslab-hosts-'));
const workerFile = join(scratch, 'kernelWorker.js');
const decoder = new TextDecoder();

before(async () => {
  await buildKernelWorker(scratch);
});
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A cell's stored items as text: `mime: data` per item, outputs in order. */
const stored = (items: { mime: string; data: Uint8Array }[][]): string[][] => items.map((output) => output.map((item) => `${item.mime}: ${decoder.decode(item.data)}`));

/** Errors (a PyTorch habit, a missing file, a wrong shape) and loads, which the samples do not show. */
const ERRORS_AND_LOADS = JSON.stringify({
  version: 1,
  cells: [
    'x = [1, 2; 3, 4]\nx[0, 0]',
    'd = load("data/example-export.npz")\nsize(d.cls)\nd.cls[1, 1:3]',
    'load("data/no-such-export.npz")',
    'qfl(d.cls, [1, 2])',
  ].map((source) => ({ kind: 'code', language: 'losslab', source: [source] })),
});

describe('the kernel and losslab run store the same outputs', { timeout: 180_000 }, () => {
  const notebooks = readdirSync(samples).filter((file) => file.endsWith('.lossnb')).sort();
  for (const name of [...notebooks, 'errors and loads']) {
    it(name, async () => {
      const model = parseNotebook(name === 'errors and loads' ? ERRORS_AND_LOADS : readFileSync(join(samples, name), 'utf8'));
      const cli = (await runNotebook(model, sessionHost(createNodeSession(samples, { pool: null })), { keepGoing: true })).model;
      const kernel = new KernelProcess({ workerFile, folder: samples, trusted: true });
      try {
        let compared = 0;
        for (const [index, cell] of model.cells.entries()) {
          if (!isRunnable(cell)) continue;
          const outcome = await kernel.run(cell.source);
          assert.equal(outcome.kind, 'completed', `${name} cell ${index + 1}`);
          if (outcome.kind !== 'completed') continue;
          const fromKernel = stored(outcome.outputs.map(outputItems));
          const fromCli = stored(cli.cells[index].outputs.map((output) => output.items));
          assert.deepEqual(fromKernel, fromCli, `${name} cell ${index + 1}`);
          compared++;
        }
        assert.ok(compared >= 4, `${name}: ${compared} cells compared`);
      } finally {
        await kernel.dispose();
      }
    });
  }
});
