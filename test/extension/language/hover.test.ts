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
      assert.match(markdown, /!\[[^\]]*\]\(data:image\/svg\+xml;base64,/);
      assert.ok(markdown.includes(escapeMarkdown(entry.unicode)), 'the Unicode fallback');
      assert.ok(markdown.indexOf(IMAGE) < markdown.indexOf(escapeMarkdown(entry.unicode)), 'fallback beneath the image');
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

describe('variable hover markdown', () => {
  it('shows shape and statistics of a tensor', () => {
    const markdown = variableHoverMarkdown('E', summarizeValue([[0, 1], [3, 4]]));
    assert.match(markdown, /`E` = tensor \(2, 2\)/);
    assert.match(markdown, /min 0 · mean 2 · max 4/);
  });
  it('shows a number', () => {
    assert.equal(variableHoverMarkdown('beta', summarizeValue(2)), '`beta` = `2`');
  });
});
