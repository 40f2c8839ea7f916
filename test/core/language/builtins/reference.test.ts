import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { BUILTINS } from '../../../../src/core/language/builtins';
import { builtinReference, REFERENCE_END, REFERENCE_START, withReference } from '../../../../src/core/language/builtins/reference';

describe('the builtin reference of docs/language.md', () => {
  const document = readFileSync('docs/language.md', 'utf8');

  it('is the one the builtin records generate (run npm run docs after changing a builtin)', () => {
    const start = document.indexOf(REFERENCE_START);
    const end = document.indexOf(REFERENCE_END);
    assert.ok(start >= 0 && end > start, 'docs/language.md has no generated reference section');
    assert.equal(document.slice(start, end + REFERENCE_END.length), builtinReference());
  });

  it('lists every builtin once, under its room', () => {
    const reference = builtinReference();
    for (const builtin of BUILTINS) {
      assert.equal(reference.split(`\n#### ${builtin.name}\n`).length, 2, builtin.name);
    }
  });

  it("follows a record's change: another default is another table", () => {
    const focal = BUILTINS.find((b) => b.name === 'focal');
    assert.ok(focal !== undefined);
    const changed = { ...focal, options: focal.options.map((o) => (o.key === 'alpha' ? { ...o, default: 0.5 } : o)) };
    const before = builtinReference([focal]);
    const after = builtinReference([changed]);
    assert.match(before, /\| `alpha` \| `0\.25` \|/);
    assert.match(after, /\| `alpha` \| `0\.5` \|/);
    assert.notEqual(withReference(document, after), document);
  });
});
