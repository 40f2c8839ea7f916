import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callSiteArguments, callSiteRows } from '../../../src/core/formulas/callSite';
import { FORMULA_BY_ID } from '../../../src/core/formulas/catalog';
import { lookupAt } from '../../../src/core/formulas/lookup';

/** The call-site arguments for a text whose `|` marks the cursor, as the hover finds them. */
function argsAt(marked: string, language: string) {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const found = lookupAt(text, offset, language);
  assert.ok(found !== undefined, `a catalog name under the cursor in ${JSON.stringify(marked)}`);
  return { found, args: callSiteArguments(text, found.word, language) };
}

describe('callSiteArguments', () => {
  it('reads Python keyword literals of a constructor call', () => {
    const { args } = argsAt('loss = Quality|FocalLoss(use_sigmoid=True, beta=3.0, reduction="sum")', 'python');
    assert.deepEqual(args, [
      { name: 'use_sigmoid', value: 'True' },
      { name: 'beta', value: '3.0' },
      { name: 'reduction', value: '"sum"' },
    ]);
  });

  it('skips positional arguments and keyword values that are not literals', () => {
    const { args } = argsAt('F.triplet_margin_|loss(a, p, n, margin=cfg.margin, p=2, eps=1e-6, swap=False)', 'python');
    assert.deepEqual(args, [
      { name: 'p', value: '2' },
      { name: 'eps', value: '1e-6' },
      { name: 'swap', value: 'False' },
    ]);
  });

  it('reads a call spread over lines, with comments and nested brackets', () => {
    const text = ['criterion = nn.TripletMargin|Loss(', '    margin=0.3,  # tuned, see notes (v2)', '    p=int(2.0),', ')'].join('\n');
    assert.deepEqual(argsAt(text, 'python').args, [{ name: 'margin', value: '0.3' }]);
  });

  it('reads the sibling keys of an mmdetection config type, in dict(...) and {...} form', () => {
    const dict = argsAt("loss_cls=dict(type='QualityFocal|Loss', use_sigmoid=True, beta=2.5, loss_weight=1.0),", 'python');
    assert.deepEqual(dict.args, [
      { name: 'use_sigmoid', value: 'True' },
      { name: 'beta', value: '2.5' },
      { name: 'loss_weight', value: '1.0' },
    ]);
    const braces = argsAt("loss_dfl = {'type': 'Distribution|FocalLoss', 'loss_weight': 0.25}", 'python');
    assert.deepEqual(braces.args, [{ name: 'loss_weight', value: '0.25' }]);
  });

  it('reads the option object of a LossLab call, where a quote is a transpose', () => {
    const { args } = argsAt('r = q|fl(p\', y, {beta: 3, reduction: "sum", activated: true, background: bg})', 'losslab');
    assert.deepEqual(args, [
      { name: 'beta', value: '3' },
      { name: 'reduction', value: '"sum"' },
      { name: 'activated', value: 'true' },
    ]);
  });

  it('reads a LossLab call as the cell scanner does: a quote after a value is a transpose, elsewhere it opens a string', () => {
    // mathjs quotes strings with ' too: the comma inside 'a, b' splits nothing.
    const { args } = argsAt("q|fl(p', y, {title: 'a, b', beta: 3, reduction: 'sum'}) # a note, with a comma", 'losslab');
    assert.deepEqual(args, [
      { name: 'title', value: "'a, b'" },
      { name: 'beta', value: '3' },
      { name: 'reduction', value: "'sum'" },
    ]);
  });

  it('gives nothing for a name that is not called, and undefined for an unclosed call', () => {
    assert.equal(argsAt('from mmdet.models.losses import Quality|FocalLoss', 'python').args, undefined);
    assert.equal(argsAt('QualityFocal|Loss(beta=3.0', 'python').args, undefined);
    assert.deepEqual(argsAt('QualityFocal|Loss()', 'python').args, []);
    assert.equal(argsAt('name = "QualityFocal|Loss"', 'python').args, undefined, 'a string that is not a config type');
  });
});

describe('callSiteRows', () => {
  it("sets a Python call's values beside the hovered library's defaults", () => {
    const { found, args } = argsAt('QualityFocal|Loss(beta=3.0, avg_factor=4)', 'python');
    assert.equal(found.conventions[0].library, 'mmdetection');
    assert.deepEqual(callSiteRows(found.entry, found.conventions, args ?? [], 'python'), [
      { name: 'beta', value: '3.0', default: '2.0' },
      { name: 'avg_factor', value: '4' },
    ]);
  });

  it("sets a LossLab call's options beside LossLab's defaults", () => {
    const { found, args } = argsAt('q|fl(p, y, {beta: 3, reduction: "none"})', 'losslab');
    assert.equal(found.entry, FORMULA_BY_ID.get('qfl'));
    assert.deepEqual(callSiteRows(found.entry, found.conventions, args ?? [], 'losslab'), [
      { name: 'beta', value: '3', default: '2' },
      { name: 'reduction', value: '"none"', default: "'mean'" },
    ]);
  });
});
