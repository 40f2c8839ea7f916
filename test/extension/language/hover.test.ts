import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORMULA_BY_ID, FORMULA_CATALOG, paperLink } from '../../../src/core/formulas/catalog';
import { findEntry } from '../../../src/core/formulas/lookup';
import { summarizeValue } from '../../../src/core/language/values';
import { entryHoverMarkdown, escapeMarkdown, openInLossLabUri, variableHoverMarkdown } from '../../../src/extension/language/hoverContent';

const IMAGE = 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=';

describe('entry hover markdown', () => {
  for (const entry of FORMULA_CATALOG) {
    it(entry.id, () => {
      const markdown = entryHoverMarkdown(entry, { image: IMAGE, conventions: entry.libraries });
      assert.ok(markdown.includes(`](${IMAGE})`), 'the formula image');
      assert.match(markdown, /!\[(?:[^\]\\]|\\.)*\]\(data:image\/svg\+xml;base64,/);
      const alt = `![${escapeMarkdown(entry.unicode)}](${IMAGE})`;
      assert.ok(markdown.includes(alt), 'the Unicode form is the image’s alt text');
      assert.equal(markdown.split(escapeMarkdown(entry.unicode)).length, 2, 'and is not repeated as text beneath the image');
      assert.ok(entryHoverMarkdown(entry).includes(`\n\n${escapeMarkdown(entry.unicode)}\n\n`), 'without an image the Unicode form is the formula');
      for (const p of entry.parameters) {
        if (p.default !== undefined) assert.ok(markdown.includes(`default \`${typeof p.default === 'string' ? `'${p.default}'` : String(p.default)}\``), `${entry.id}.${p.key} default`);
      }
      for (const trap of entry.traps) assert.ok(markdown.includes(trap), 'each trap');
      assert.ok(markdown.includes(escapeMarkdown(entry.intuition)), 'the intuition');
      for (const paper of entry.papers) assert.ok(markdown.includes(`](${paperLink(paper)})`), 'the paper link');
      assert.ok(markdown.includes('[Open in LossLab](command:losslab.openInLossLab?'), 'the command link');
      assert.ok(markdown.includes(openInLossLabUri(entry.id)));
    });
  }

  it('encodes the entry id as the command’s JSON argument list', () => {
    const uri = openInLossLabUri('batch_hard');
    assert.equal(uri, `command:losslab.openInLossLab?${encodeURIComponent('["batch_hard"]')}`);
    assert.deepEqual(JSON.parse(decodeURIComponent(uri.split('?')[1])), ['batch_hard']);
  });

  it('shows the defaults of both libraries for TripletMarginLoss', () => {
    const match = findEntry('TripletMarginLoss', 'python');
    assert.ok(match !== undefined);
    const markdown = entryHoverMarkdown(match.entry, { conventions: match.conventions });
    assert.match(markdown, /\*\*PyTorch\*\* `TripletMarginLoss`[^\n]*\n- `margin` = `1\.0`/);
    assert.match(markdown, /\*\*pytorch-metric-learning\*\* `TripletMarginLoss`\n- `margin` = `0\.05`/);
    assert.match(markdown, /`margin` α: [^\n]*\(default `1`\)/);
  });

  it('shows the QFL essentials: β = 2, the |y − σ| trap, the GFL paper and the reg_max table for DFL', () => {
    const qfl = entryHoverMarkdown(FORMULA_BY_ID.get('qfl')!, { image: IMAGE });
    assert.match(qfl, /`beta` β: [^\n]*\(default `2`\)/);
    assert.match(qfl, /Non-integer β needs \|y − σ\|/);
    assert.match(qfl, /\[Generalized Focal Loss[^\]]*\]\(https:\/\/arxiv\.org\/abs\/2006\.04388\)/);
    assert.match(qfl, /\*Also:\* LossLab `qfl` · mmdetection `QualityFocalLoss`/);
    const dfl = entryHoverMarkdown(FORMULA_BY_ID.get('dfl')!);
    assert.match(dfl, /\| mmdetection \| 16 \| 17 \| 15\.9 \|/);
    assert.match(dfl, /\| ultralytics \| 16 \| 16 \| 14\.99 \|/);
    assert.match(dfl, /entropy of the interpolation weights/);
    assert.ok(!dfl.includes('![') , 'no image without one');
  });

  it('escapes Markdown in the fallback so formulas print literally', () => {
    assert.equal(escapeMarkdown('p_t * |x| \\ [a]'), 'p\\_t \\* \\|x\\| \\\\ \\[a\\]');
    const giou = entryHoverMarkdown(FORMULA_BY_ID.get('giou')!);
    assert.ok(giou.includes('C \\\\ (A ∪ B)'));
  });
});

/**
 * The Unicode blocks the hover text may use: those that the UI fonts of Windows (Segoe UI), macOS
 * (SF) and Linux (DejaVu Sans, Noto Sans) all cover. Emoji and pictographs are missing from many
 * Linux installations and draw as empty boxes there.
 */
const COVERED_BLOCKS: readonly [number, number, string][] = [
  [0x0020, 0x007e, 'Basic Latin'],
  [0x00a0, 0x017f, 'Latin-1 and Latin Extended-A'],
  [0x0370, 0x03ff, 'Greek'],
  [0x2000, 0x206f, 'General Punctuation'],
  [0x2070, 0x209f, 'Superscripts and Subscripts'],
  [0x2100, 0x214f, 'Letterlike Symbols'],
  [0x2190, 0x21ff, 'Arrows'],
  [0x2200, 0x22ff, 'Mathematical Operators'],
  [0x2300, 0x23ff, 'Miscellaneous Technical'],
];

function uncoveredCharacters(text: string): string[] {
  return [...new Set(text)].filter((c) => {
    const code = c.codePointAt(0) ?? 0;
    return c !== '\n' && !COVERED_BLOCKS.some(([from, to]) => code >= from && code <= to);
  });
}

describe('entry hover glyphs', () => {
  it('finds a character outside the covered blocks (the check can fail)', () => {
    assert.deepEqual(uncoveredCharacters('📄 paper — α ≤ β'), ['📄']);
  });
  for (const entry of FORMULA_CATALOG) {
    it(`${entry.id}: every character is in a block the UI fonts cover`, () => {
      const markdown = entryHoverMarkdown(entry, { conventions: entry.libraries, callSite: [{ name: 'beta', value: '3.0', default: '2.0' }, { name: 'x', value: '1' }] });
      assert.deepEqual(uncoveredCharacters(markdown), []);
    });
  }
});

describe('call-site table', () => {
  it('puts the call’s values beside the defaults, under the formula, escaping pipes', () => {
    const qfl = FORMULA_BY_ID.get('qfl')!;
    const markdown = entryHoverMarkdown(qfl, {
      image: IMAGE,
      callSite: [
        { name: 'beta', value: '3.0', default: '2.0' },
        { name: 'avg_factor', value: '4' },
        { name: 'reduction', value: "'a|b'", default: "'mean'" },
      ],
      callSiteLibrary: 'mmdetection',
    });
    const table = ['| argument | this call | mmdetection default |', '| --- | --- | --- |', '| `beta` | `3.0` | `2.0` |', '| `avg_factor` | `4` | — |', "| `reduction` | `'a\\|b'` | `'mean'` |"].join('\n');
    assert.ok(markdown.includes(table), markdown);
    assert.ok(markdown.indexOf(IMAGE) < markdown.indexOf(table) && markdown.indexOf(table) < markdown.indexOf('**Parameters**'));
  });
  it('has no table without call-site arguments', () => {
    assert.ok(!entryHoverMarkdown(FORMULA_BY_ID.get('qfl')!, { callSite: [] }).includes('this call'));
  });
});

describe('variable hover markdown', () => {
  it('shows shape and statistics of a tensor', () => {
    const markdown = variableHoverMarkdown('E', summarizeValue([[0, 1, 2], [3, 4, 5], [6, 7, 8]]));
    assert.match(markdown, /`E` = tensor \(3, 3\)/);
    assert.match(markdown, /min 0 · mean 4 · max 8/);
    assert.equal(variableHoverMarkdown('s', summarizeValue([2, 3])), '`s` = `[2, 3]`', 'a small vector as its values');
  });
  it('shows a number', () => {
    assert.equal(variableHoverMarkdown('beta', summarizeValue(2)), '`beta` = `2`');
  });
});
