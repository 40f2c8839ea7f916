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

/**
 * The prose of docs/language.md (before the generated reference) states defaults too, as
 * "`alpha` = 0.25": each must be the default of that option in the records its section describes.
 */
describe('the defaults docs/language.md states in its prose', () => {
  const document = readFileSync('docs/language.md', 'utf8');
  const prose = document.slice(0, document.indexOf(REFERENCE_START));

  /** The builtins a section describes: those its heading names, or, for a room's heading, the room's. */
  const describedBy = (heading: string): typeof BUILTINS => {
    const named = BUILTINS.filter((b) => new RegExp(`(^|[ ,])${b.name}(,|$| )`).test(heading));
    if (named.length > 0) return named;
    return BUILTINS.filter((b) => b.room === heading.toLowerCase());
  };

  /** Every "`key` = value" of the prose, with the builtins of its section. */
  const statements = prose.split(/^#{2,3} /m).flatMap((section) => {
    const heading = section.slice(0, section.indexOf('\n')).trim();
    const builtins = describedBy(heading);
    return [...section.matchAll(/`(\w+)` = (`"([^"`]*)"`|-?[\d.]+(?:e-?\d+)?|true|false)/g)].map((m) => ({
      heading,
      builtins,
      key: m[1],
      stated: m[3] !== undefined ? m[3] : m[2] === 'true' ? true : m[2] === 'false' ? false : Number(m[2]),
    }));
  });

  it('are found in the sections of the losses, the miners, the helpers and the figures', () => {
    const checked = statements.filter((s) => s.builtins.some((b) => b.options.some((o) => o.key === s.key && o.default !== undefined)));
    assert.ok(checked.length >= 25, `only ${checked.length} stated defaults found`);
  });

  it('each equals the default of its option in the records', () => {
    const wrong = statements.flatMap(({ heading, builtins, key, stated }) => {
      const defaults = builtins.flatMap((b) => b.options.filter((o) => o.key === key && o.default !== undefined).map((o) => o.default));
      return defaults.length > 0 && !defaults.includes(stated) ? [`${heading}: \`${key}\` = ${String(stated)}, the records say ${defaults.join(' or ')}`] : [];
    });
    assert.deepEqual(wrong, []);
  });
});
