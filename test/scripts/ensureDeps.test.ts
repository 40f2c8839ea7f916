import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
// @ts-expect-error: a plain ES module script, without types
import { staleReason } from '../../scripts/ensure-deps.mjs';

const reasonOf = staleReason as (repo: string) => string | undefined;
const folders: string[] = [];

/** A checkout with a lock file written at `lockAt` and, if given, an install finished at `installedAt` (seconds). */
function checkout(lockAt: number, installedAt?: number | 'no-marker'): string {
  const repo = mkdtempSync(join(tmpdir(), 'losslab-deps-'));
  folders.push(repo);
  writeFileSync(join(repo, 'package-lock.json'), '{}\n');
  utimesSync(join(repo, 'package-lock.json'), lockAt, lockAt);
  if (installedAt !== undefined) {
    mkdirSync(join(repo, 'node_modules'));
    if (installedAt !== 'no-marker') {
      writeFileSync(join(repo, 'node_modules', '.package-lock.json'), '{}\n');
      utimesSync(join(repo, 'node_modules', '.package-lock.json'), installedAt, installedAt);
    }
  }
  return repo;
}

describe('ensure-deps: when npm run demo and npm test install the dependencies first', () => {
  after(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  it('a fresh clone (no node_modules) needs npm ci', () => {
    assert.equal(reasonOf(checkout(1_000)), 'node_modules is missing');
  });

  it('a lock file changed after the last install (a pull) needs npm ci', () => {
    assert.equal(reasonOf(checkout(2_000, 1_000)), 'package-lock.json is newer than node_modules');
  });

  it('node_modules that npm did not write needs npm ci', () => {
    assert.match(reasonOf(checkout(1_000, 'no-marker')) ?? '', /not installed by npm/);
  });

  it('an install newer than the lock file is left alone', () => {
    assert.equal(reasonOf(checkout(1_000, 2_000)), undefined);
  });

  it('--check prints what it would do and installs nothing', () => {
    // The script checks its own checkout, which the test suite runs in: installed, so silent.
    const run = spawnSync(process.execPath, ['scripts/ensure-deps.mjs', '--check'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, '');
  });
});
