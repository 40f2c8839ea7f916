import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wrapText } from '../../../src/core/notebook/wrapText';

/** Joins wrapped text back into the original: each inserted break was a space or a cut word. */
const unwrap = (wrapped: string): string[] => wrapped.split('\n').map((line, i) => (i === 0 ? line : line.replace(/^ {2}/, '')));

describe('wrapText', () => {
  it('leaves short lines and existing line breaks alone', () => {
    assert.equal(wrapText('short\nalso short', 20), 'short\nalso short');
  });

  it('breaks a long line at spaces, continuation lines indented, none wider than the columns', () => {
    const message = 'InputError: line 1, column 8: load: path should be a readable .npy, .npz, .safetensors, .json or .csv file, but is "data/x.npz", which does not exist';
    const wrapped = wrapText(message, 40);
    const lines = wrapped.split('\n');
    assert.ok(lines.length >= 4, wrapped);
    for (const line of lines) assert.ok(line.length <= 40, `${line.length}: ${line}`);
    for (const line of lines.slice(1)) assert.match(line, /^ {2}\S/);
    assert.equal(unwrap(wrapped).join(' '), message);
    // Hand-checked first break: the last space within 40 columns.
    assert.equal(lines[0], 'InputError: line 1, column 8: load: path');
  });

  it('cuts a word wider than a line instead of letting it overflow', () => {
    const path = `/${'a'.repeat(30)}/${'b'.repeat(30)}`;
    const wrapped = wrapText(`no file ${path}`, 20);
    for (const line of wrapped.split('\n')) assert.ok(line.length <= 20, line);
    assert.equal(unwrap(wrapped).join('').replace('no file', 'no file '), `no file ${path}`);
  });

  it('counts characters, not UTF-16 units, so Greek and ∂ do not wrap early', () => {
    const text = 'σ β ∂ '.repeat(3).trim();
    assert.equal(wrapText(text, 17), text);
  });

  it('refuses a width too narrow to hold the indentation and a word', () => {
    assert.throws(() => wrapText('x', 3), /columns should be an integer ≥ 8, but is 3/);
  });
});
