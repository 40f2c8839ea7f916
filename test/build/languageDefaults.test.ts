import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

interface Manifest {
  contributes: { configurationDefaults?: Record<string, Record<string, unknown>> };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;

describe('package.json defaults for LossLab cells', () => {
  it('does not box Greek letters as confusable characters in losslab cells, as VS Code does not in Markdown', () => {
    const cells = manifest.contributes.configurationDefaults?.['[losslab]'];
    assert.ok(cells !== undefined, 'a [losslab] block in contributes.configurationDefaults');
    assert.equal(cells['editor.unicodeHighlight.ambiguousCharacters'], false);
    // Invisible characters stay highlighted: they are never meant in a formula.
    assert.equal(cells['editor.unicodeHighlight.invisibleCharacters'], undefined);
  });

  it('the samples do write Greek letters in their cells (what the default is for)', () => {
    const tour = JSON.parse(readFileSync('samples/gfl-tour.lossnb', 'utf8')) as { cells: { kind: string; source: string | string[] }[] };
    const code = tour.cells.filter((cell) => cell.kind === 'code').map((cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source)).join('\n');
    assert.match(code, /[α-ω]/);
  });
});
