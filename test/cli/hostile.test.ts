import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inProcessCli } from '../helpers/cli';
import { parseArgs } from '../../src/cli/args';
import { serializeNotebook, type CellModel } from '../../src/core/notebook/format';
import { npyFile } from '../fuzz/mutate';

/**
 * `losslab run` against hostile paths (issue 16): results aimed at an input, a file in the way of
 * --out's folder, special files given as notebooks, and --allow-path.
 */

const { work, run } = inProcessCli('losslab-cli-hostile-');

function code(source: string): CellModel {
  return { kind: 'code', language: 'losslab', source, metadata: {}, outputs: [], extra: {} };
}

function notebook(path: string, ...sources: string[]): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, serializeNotebook({ metadata: {}, cells: sources.map(code), extra: {} }));
  return path;
}

describe('results never overwrite an input', () => {
  it('--html on the input notebook is refused, with --check too, and the notebook is unchanged', async () => {
    const path = notebook(join(work, 'self/nb.lossnb'), 'x = 1');
    const before = readFileSync(path, 'utf8');
    for (const extra of [[], ['--check']]) {
      const { status, stderr } = await run('run', path, '--html', path, ...extra);
      assert.equal(status, 1);
      assert.match(stderr, /--html .*nb\.lossnb is the input notebook .*nb\.lossnb: it would be overwritten; choose another path/);
      assert.equal(readFileSync(path, 'utf8'), before);
    }
  });

  it('--out or --html through a symlink to the input is refused', async () => {
    const path = notebook(join(work, 'link/nb.lossnb'), 'x = 1');
    symlinkSync(path, join(work, 'link/alias.lossnb'));
    symlinkSync(path, join(work, 'link/alias.html'));
    assert.match((await run('run', path, '--out', join(work, 'link/alias.lossnb'))).stderr, /--out .*alias\.lossnb is the input notebook .*nb\.lossnb: it would be overwritten.*leave --out out to write the notebook in place/);
    assert.match((await run('run', path, '--html', join(work, 'link/alias.html'))).stderr, /--html .*alias\.html is the input notebook/);
  });

  it('--out and --html on one file is refused', async () => {
    const path = notebook(join(work, 'same/nb.lossnb'), 'x = 1');
    const target = join(work, 'same/out.lossnb');
    assert.match((await run('run', path, '--out', target, '--html', target)).stderr, /--html .*out\.lossnb is also where .*out\.lossnb is written/);
  });

  it('a folder run whose --out is its own folder is refused', async () => {
    const folder = join(work, 'batch');
    notebook(join(folder, 'a.lossnb'), 'x = 1');
    const { status, stderr } = await run('run', folder, '--out', folder);
    assert.equal(status, 1);
    assert.match(stderr, /--out .*a\.lossnb is the input notebook/);
  });

  it('--out file/sub.lossnb says the file is in the way, not EEXIST', async () => {
    const path = notebook(join(work, 'way/nb.lossnb'), 'x = 1');
    const file = join(work, 'way/file');
    writeFileSync(file, 'not a folder');
    const { status, stderr } = await run('run', path, '--out', join(file, 'sub.lossnb'));
    assert.equal(status, 1);
    assert.match(stderr, new RegExp(`cannot write the results: cannot create the folder ${file}: ${file} is a file, not a folder`));
    assert.doesNotMatch(stderr, /EEXIST|ENOTDIR/);
  });
});

describe('special files as notebooks', () => {
  it('a FIFO is refused without waiting for a writer', async () => {
    const fifo = join(work, 'pipe.lossnb');
    execFileSync('mkfifo', [fifo]);
    const { status, stderr } = await run('run', fifo, '--check');
    assert.equal(status, 1);
    assert.match(stderr, /FAIL .*pipe\.lossnb: cannot read it: it is not a notebook file: which is a FIFO \(named pipe\), not a regular file/);
  });

  it('/dev/zero is refused as a character device', async () => {
    const { status, stderr } = await run('run', '/dev/zero', '--check');
    assert.equal(status, 1);
    assert.match(stderr, /FAIL \/dev\/zero: cannot read it: .*a character device, not a regular file/);
  });
});

describe('--allow-path', () => {
  const data = join(work, 'data');
  mkdirSync(data, { recursive: true });
  writeFileSync(join(data, 'x.npy'), npyFile([2], '<f8', new Uint8Array(new Float64Array([3, 4]).buffer)));
  const path = notebook(join(work, 'allow/nb.lossnb'), `s = sum(load(${JSON.stringify(join(data, 'x.npy'))}).x)`);

  it('without it, a notebook reads only inside its own folder', async () => {
    const { status, stderr } = await run('run', path, '--check');
    assert.equal(status, 1);
    assert.match(stderr, /inside the notebook's workspace folder in an untrusted workspace \(trust the workspace, or run losslab with --allow-path DIR\)/);
  });

  it('with it, the allowed folder is read, and it repeats', async () => {
    const { status, stderr } = await run('run', path, '--check', '--allow-path', join(work, 'elsewhere-that-exists'), '--allow-path', data);
    assert.equal(status, 1);
    assert.match(stderr, /--allow-path .*elsewhere-that-exists: no such folder/);
    mkdirSync(join(work, 'elsewhere-that-exists'));
    assert.equal((await run('run', path, '--check', '--allow-path', join(work, 'elsewhere-that-exists'), '--allow-path', data)).status, 0);
  });

  it('is parsed as a repeatable folder, and documented in the help', async () => {
    assert.deepEqual(parseArgs(['run', 'n.lossnb', '--allow-path', 'a', '--allow-path=b']), { command: 'run', path: 'n.lossnb', check: false, keepGoing: false, allowPaths: ['a', 'b'] });
    assert.deepEqual(parseArgs(['run', 'n.lossnb', '--allow-path']), { command: 'usage-error', message: '--allow-path needs a folder' });
    assert.match((await run('--help')).stdout, /--allow-path DIR/);
  });
});
