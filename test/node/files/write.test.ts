import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ensureFolder, writeFileAtomic } from '../../../src/node/files/write';

const root = mkdtempSync(join(tmpdir(), 'losslab-write-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces a file whole, keeps its permissions and leaves no temporary file', () => {
    const path = join(root, 'a.lossnb');
    writeFileSync(path, 'old');
    chmodSync(path, 0o640);
    writeFileAtomic(path, 'new text');
    assert.equal(readFileSync(path, 'utf8'), 'new text');
    assert.equal(statSync(path).mode & 0o777, 0o640);
    assert.deepEqual(readdirSync(root).filter((name) => name.endsWith('.tmp')), []);
  });

  it('writes through a symlink to the linked file, keeping the link', () => {
    const target = join(root, 'target.lossnb');
    const link = join(root, 'link.lossnb');
    writeFileSync(target, 'old');
    symlinkSync(target, link);
    writeFileAtomic(link, 'via link');
    assert.equal(readFileSync(target, 'utf8'), 'via link');
    assert.ok(readdirSync(root).includes('link.lossnb'));
  });

  it('says which file is in the way of a folder, instead of EEXIST or ENOTDIR', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'x');
    assert.throws(() => writeFileAtomic(join(file, 'sub.lossnb'), 'x'), { message: `cannot create the folder ${file}: ${file} is a file, not a folder` });
    assert.throws(() => ensureFolder(join(file, 'a', 'b')), { message: `cannot create the folder ${join(file, 'a', 'b')}: ${file} is a file, not a folder` });
  });

  it('refuses to write over a folder', () => {
    mkdirSync(join(root, 'dir.lossnb'));
    assert.throws(() => writeFileAtomic(join(root, 'dir.lossnb'), 'x'), /it is a folder/);
  });

  it('leaves the old file whole when the disk refuses the write (a 1-block file-size limit)', () => {
    const path = join(root, 'full.lossnb');
    const old = 'the notebook as it was\n'.repeat(10);
    writeFileSync(path, old);
    const script = `require('./src/node/files/write').writeFileAtomic(${JSON.stringify(path)}, 'x'.repeat(4 * 1024 * 1024))`;
    // ulimit -f 1 makes any write past 512 bytes fail (EFBIG, or SIGXFSZ ends the process).
    const result = spawnSync('sh', ['-c', `ulimit -f 1; exec "${process.execPath}" --import tsx -e "${script.replace(/"/g, '\\"')}"`], { encoding: 'utf8' });
    assert.ok(result.signal === 'SIGXFSZ' || /EFBIG/.test(result.stderr), `the write should fail for its size: ${result.stderr}`);
    assert.equal(readFileSync(path, 'utf8'), old);
    assert.deepEqual(readdirSync(root).filter((name) => name.startsWith('.full.lossnb')), [], 'the temporary file is removed');
  });
});
