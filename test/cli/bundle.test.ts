import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serializeNotebook } from '../../src/core/notebook/format';
import { buildCli, buildKernelWorker } from '../helpers/kernelWorker';

/**
 * The installed command: dist/cli.js starts the kernel from dist/kernelWorker.js beside it, whatever
 * the working directory, and says so when that bundle is missing. Both bundles are built here as
 * scripts/build.mjs builds them (node, CJS).
 */

const scratch = mkdtempSync(join(tmpdir(), 'losslab-cli-bundle-'));
const installed = join(scratch, 'dist');
const broken = join(scratch, 'broken');
const elsewhere = join(scratch, 'elsewhere');
after(() => rmSync(scratch, { recursive: true, force: true }));

before(async () => {
  await buildCli(installed);
  await buildKernelWorker(installed);
  await buildCli(broken);
  mkdirSync(elsewhere);
  writeFileSync(
    join(elsewhere, 'nb.lossnb'),
    serializeNotebook({ metadata: {}, cells: [{ kind: 'code', language: 'losslab', source: 'x = 2\nx * 3', metadata: {}, outputs: [], extra: {} }], extra: {} }),
  );
});

const losslab = (bundle: string, ...args: string[]) => spawnSync(process.execPath, [join(bundle, 'cli.js'), ...args], { encoding: 'utf8', cwd: elsewhere });

describe('the bundled losslab', { timeout: 120_000 }, () => {
  it('runs cells in the kernel bundle beside it, from another working directory', () => {
    const { status, stdout, stderr } = losslab(installed, 'run', 'nb.lossnb', '--check', '--time-limit', '30');
    assert.equal(status, 0, stderr);
    assert.match(stdout, /^ok {3}nb\.lossnb: 1 code cell\(s\)/);
  });

  it('without the kernel bundle, says which file is missing and runs nothing', () => {
    const { status, stderr } = losslab(broken, 'run', 'nb.lossnb', '--check');
    assert.equal(status, 1);
    assert.equal(stderr, `losslab: the kernel bundle ${join(broken, 'kernelWorker.js')} is missing; reinstall losslab, or run npm run build\n`);
  });
});
