import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSameFile, writeExport, type ExportLocation } from '../../../src/extension/commands/writeExport';

/**
 * The editor's export write (PNG, SVG, HTML report): never over the notebook exported from, and
 * atomic on disk. Locations are plain objects shaped as `vscode.Uri`s.
 */

const work = mkdtempSync(join(tmpdir(), 'losslab-export-'));
after(() => rmSync(work, { recursive: true, force: true }));

const file = (path: string): ExportLocation => ({ scheme: 'file', fsPath: path, toString: () => `file://${path}` });
const remote = (path: string): ExportLocation => ({ scheme: 'vscode-remote', fsPath: path, toString: () => `vscode-remote://host${path}` });
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
const noOther = (): Promise<void> => Promise.reject(new Error('a file on disk must not go through the workspace file system'));

describe('writeExport', () => {
  const notebook = join(work, 'nb.lossnb');
  writeFileSync(notebook, '{"version": 1, "cells": []}');
  const original = readFileSync(notebook, 'utf8');

  it('refuses the notebook itself, also through a symlink, and leaves it as it was', async () => {
    symlinkSync(notebook, join(work, 'alias.png'));
    for (const target of [notebook, join(work, 'alias.png'), join(work, '.', 'nb.lossnb')]) {
      await assert.rejects(writeExport(file(target), file(notebook), PNG, noOther), /the export would replace the notebook .* itself; choose another file/);
      assert.equal(readFileSync(notebook, 'utf8'), original);
    }
    await assert.rejects(writeExport(remote('/x/nb.lossnb'), remote('/x/nb.lossnb'), PNG, noOther), /would replace the notebook/);
  });

  it('writes a new file with the exact bytes and leaves no temporary file behind', async () => {
    const target = join(work, 'figure.png');
    await writeExport(file(target), file(notebook), PNG, noOther);
    assert.deepEqual(new Uint8Array(readFileSync(target)), PNG);
    assert.deepEqual(readdirSync(work).filter((name) => name.endsWith('.tmp')), []);
  });

  it('replaces an existing file by a rename (a new inode), not by writing into it', async () => {
    const target = join(work, 'figure.svg');
    writeFileSync(target, '<svg>old</svg>');
    const before = statSync(target).ino;
    await writeExport(file(target), file(notebook), '<svg>new</svg>', noOther);
    assert.equal(readFileSync(target, 'utf8'), '<svg>new</svg>');
    assert.notEqual(statSync(target).ino, before, 'an in-place write would keep the inode, and a failure half-way would leave a truncated file');
  });

  it('a failed write leaves the old file whole and says which file', async () => {
    const target = join(work, 'kept.svg');
    writeFileSync(target, '<svg>kept</svg>');
    // Writing "into" a path below a regular file cannot succeed.
    await assert.rejects(writeExport(file(join(target, 'sub.svg')), file(notebook), PNG, noOther), /kept\.svg/);
    assert.equal(readFileSync(target, 'utf8'), '<svg>kept</svg>');
  });

  it('a location that is not on disk goes through the workspace file system, as bytes', async () => {
    const written: Uint8Array[] = [];
    await writeExport(remote('/x/report.html'), remote('/x/nb.lossnb'), '<p>é</p>', async (bytes) => void written.push(bytes));
    assert.deepEqual(written, [new TextEncoder().encode('<p>é</p>')]);
  });

  it('isSameFile compares real paths on disk and whole URIs elsewhere', () => {
    assert.ok(isSameFile(file(join(work, 'alias.png')), file(notebook)));
    assert.ok(!isSameFile(file(join(work, 'figure.png')), file(notebook)));
    assert.ok(!isSameFile(remote(notebook), file(notebook)));
  });
});
