import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

// `npm run demo` on a machine with VS Code: scripts/open.mjs starts `code` with this checkout as a
// development extension, the samples folder as the workspace and the tour as the file to show. A
// stand-in `code` on PATH records the arguments it was given.

const repo = resolve('.');
const bin = mkdtempSync(join(tmpdir(), 'losslab-code-'));
const argsFile = join(bin, 'args.txt');

describe('npm run demo with `code` on PATH', () => {
  after(() => rmSync(bin, { recursive: true, force: true }));

  it('opens the samples folder and the GFL tour in VS Code with LossLab in development mode', () => {
    writeFileSync(join(bin, 'code'), `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > "${argsFile}"\n`);
    chmodSync(join(bin, 'code'), 0o755);
    const run = spawnSync(process.execPath, ['scripts/open.mjs', '--no-build'], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:/usr/bin:/bin` },
      timeout: 30_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /opening .*gfl-tour\.lossnb in VS Code/);
    const args = readFileSync(argsFile, 'utf8').trimEnd().split('\n');
    assert.deepEqual(args, [`--extensionDevelopmentPath=${repo}`, join(repo, 'samples'), join(repo, 'samples', 'gfl-tour.lossnb')]);
  });
});
