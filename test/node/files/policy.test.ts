import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CellOutput } from '../../../src/core/language/session';
import { checkRealPath, isInside } from '../../../src/node/files/policy';
import { createNodeSession } from '../../../src/node/session';
import { npyFile } from '../../fuzz/mutate';

/**
 * The file-access policy through `load()` in a session, as both hosts build it: real symlinks,
 * a FIFO, /dev/zero and /proc/self/environ in a temporary notebook folder.
 */

const root = mkdtempSync(join(tmpdir(), 'losslab-policy-'));
after(() => rmSync(root, { recursive: true, force: true }));
const folder = join(root, 'notebook');
const outside = join(root, 'outside');
mkdirSync(folder);
mkdirSync(outside);
const SECRET = 'LOSSLAB_POLICY_SECRET_4471';
process.env.LOSSLAB_POLICY_SECRET = SECRET;
const ones = npyFile([2], '<f8', new Uint8Array(new Float64Array([1, 2]).buffer));
writeFileSync(join(folder, 'inside.npy'), ones);
writeFileSync(join(outside, 'outside.npy'), ones);
writeFileSync(join(outside, 'creds.json'), JSON.stringify({ token: SECRET }));
execFileSync('mkfifo', [join(folder, 'pipe.npy')]);
symlinkSync('/proc/self/environ', join(folder, 'env.csv'));
symlinkSync('/proc/self/environ', join(folder, 'env.json'));
symlinkSync('/dev/zero', join(folder, 'zero.npy'));
symlinkSync(join(outside, 'creds.json'), join(folder, 'creds.json'));
symlinkSync(outside, join(folder, 'linked'));
symlinkSync('inside.npy', join(folder, 'alias.npy'));

function errorOf(outputs: CellOutput[]): string {
  const error = outputs.find((output) => output.kind === 'error');
  assert.ok(error !== undefined && error.kind === 'error', `expected an error, got ${JSON.stringify(outputs)}`);
  assert.ok(!JSON.stringify(outputs).includes(SECRET), 'the output repeats the secret');
  return `${error.name}: ${error.message}`;
}

describe('load() under the file-access policy (untrusted, as losslab run)', () => {
  const session = createNodeSession(folder, { pool: null });
  const run = (path: string): CellOutput[] => session.runCell(`d = load(${JSON.stringify(path)})`);

  it('reads a file inside the folder, directly and through a link that stays inside', () => {
    for (const path of ['inside.npy', 'alias.npy', join(folder, 'inside.npy')]) {
      assert.ok(!run(path).some((output) => output.kind === 'error'), path);
    }
  });

  it('refuses links that leave the folder: /proc/self/environ as .csv and .json, a credentials file, a linked folder', () => {
    for (const path of ['env.csv', 'env.json']) assert.match(errorOf(run(path)), /InputError: .*a regular file \(not under \/proc, whose entries are not data files\).*resolves to \/proc\/\d+\/environ/);
    assert.match(errorOf(run('creds.json')), /should be inside the notebook's workspace folder in an untrusted workspace .* but is "creds\.json", which resolves to .*outside\/creds\.json/);
    assert.match(errorOf(run('linked/outside.npy')), /untrusted workspace.*which resolves to .*outside\/outside\.npy/);
    assert.match(errorOf(run('../outside/outside.npy')), /untrusted workspace/);
  });

  it('refuses /dev/zero and a FIFO by what they are, without hanging', () => {
    assert.match(errorOf(run('/dev/zero')), /not under \/dev/);
    assert.match(errorOf(run('zero.npy')), /not under \/dev/);
    assert.match(errorOf(run('pipe.npy')), /InputError: .*"pipe\.npy", which is a FIFO \(named pipe\), not a regular file/);
  });

  it('says a folder is a folder', () => {
    mkdirSync(join(folder, 'sub.npy'), { recursive: true });
    assert.match(errorOf(run('sub.npy')), /"sub\.npy", which is a folder, not a regular file/);
  });
});

describe('load() with allowed folders, trust and a size limit', () => {
  it('reads a linked folder that is allowed (--allow-path), and nothing else outside', () => {
    const session = createNodeSession(folder, { pool: null, allowedFolders: [outside] });
    assert.ok(!session.runCell('d = load("linked/outside.npy")').some((output) => output.kind === 'error'));
    assert.match(errorOf(session.runCell('d = load("env.csv")')), /not under \/proc/);
  });

  it('reads anything regular when trusted, but still no /proc, /dev or FIFO', () => {
    const session = createNodeSession(folder, { pool: null, isTrusted: () => true });
    assert.ok(!session.runCell(`d = load(${JSON.stringify(join(outside, 'outside.npy'))})`).some((output) => output.kind === 'error'));
    assert.match(errorOf(session.runCell('d = load("env.json")')), /not under \/proc/);
    assert.match(errorOf(session.runCell('d = load("pipe.npy")')), /FIFO/);
  });

  it('refuses a file over the size limit, naming the file and both sizes', () => {
    const session = createNodeSession(folder, { pool: null, maxLoadBytes: 64 });
    assert.match(errorOf(session.runCell('d = load("inside.npy")')), /"inside\.npy", which is 144 bytes \(144 bytes\), over the 64 bytes a read may take/);
  });

  it('refuses a junk .npy from its first bytes, naming the file', () => {
    writeFileSync(join(folder, 'junk.npy'), new Uint8Array(3 * 1024 * 1024));
    const session = createNodeSession(folder, { pool: null });
    assert.match(errorOf(session.runCell('d = load("junk.npy")')), /^LoadError: junk\.npy, byte 0: expected the magic string/);
  });

  it('names the file in an int64 conversion error', () => {
    const big = new BigInt64Array([2n ** 62n]);
    writeFileSync(join(folder, 'big.npy'), npyFile([1], '<i8', new Uint8Array(big.buffer)));
    const session = createNodeSession(folder, { pool: null });
    assert.match(errorOf(session.runCell('d = load("big.npy")')), /big \(in big\.npy\).*4611686018427387904/);
  });
});

describe('the pure decision', () => {
  it('isInside compares whole path components', () => {
    assert.equal(isInside('/a/b/c.npy', '/a/b'), true);
    assert.equal(isInside('/a/b', '/a/b'), true);
    assert.equal(isInside('/a/bc/x.npy', '/a/b'), false);
    assert.equal(isInside('/a/x.npy', '/a/b'), false);
    assert.equal(isInside('/a/b/..x/y.npy', '/a/b'), true);
  });

  it('checkRealPath refuses pseudo-files even when trusted, and paths outside every root when not', () => {
    const policy = { roots: ['/work/nb'], trusted: false, maxBytes: 100 };
    assert.throws(() => checkRealPath('e', '/work/nb/e', '/proc/1/environ', ['/work/nb'], { ...policy, trusted: true }), /not under \/proc/);
    assert.throws(() => checkRealPath('x', '/work/nb/x', '/work/other/x', ['/work/nb'], policy), /"x", which resolves to \/work\/other\/x/);
    assert.doesNotThrow(() => checkRealPath('x', '/work/nb/x', '/work/nb/sub/x', ['/work/nb'], policy));
    assert.doesNotThrow(() => checkRealPath('x', '/work/nb/x', '/work/other/x', ['/work/nb'], { ...policy, trusted: true }));
  });
});
