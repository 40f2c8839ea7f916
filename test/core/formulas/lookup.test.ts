import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FORMULA_CATALOG, type Library } from '../../../src/core/formulas/catalog';
import { findEntries, findEntry, isInMarkdownCode, lookupAt, wordAt } from '../../../src/core/formulas/lookup';

/** Splits a text with one `|` marking the cursor into the text and the cursor's offset. */
function cursor(marked: string): { text: string; offset: number } {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0 && marked.indexOf('|', offset + 1) < 0, 'exactly one | marks the cursor');
  return { text: marked.slice(0, offset) + marked.slice(offset + 1), offset };
}

const at = (marked: string, language: string) => {
  const { text, offset } = cursor(marked);
  return lookupAt(text, offset, language);
};

const LANGUAGES_OF: Record<Library, string[]> = {
  losslab: ['losslab'],
  mmdetection: ['python', 'markdown'],
  ultralytics: ['python', 'markdown'],
  torchvision: ['python', 'markdown'],
  pytorch: ['python', 'markdown'],
  'pytorch-metric-learning': ['python', 'markdown'],
  insightface: ['python', 'markdown'],
  'tensorflow-addons': ['python', 'markdown'],
  paper: ['markdown'],
};

describe('findEntry', () => {
  it('resolves every alias to its entry in each language it belongs to', () => {
    for (const entry of FORMULA_CATALOG) {
      for (const convention of entry.libraries) {
        for (const alias of convention.aliases) {
          for (const language of LANGUAGES_OF[convention.library]) {
            const matches = findEntries(alias, language);
            const mine = matches.find((m) => m.entry === entry);
            assert.ok(mine !== undefined, `${alias} (${convention.library}) in ${language} should find ${entry.id}`);
            assert.ok(mine.conventions.includes(convention), `${alias} in ${language}: ${convention.library}'s convention`);
            // The first match is this entry unless an earlier catalog entry shares the name.
            const earlier = FORMULA_CATALOG.slice(0, FORMULA_CATALOG.indexOf(entry)).some((e) => matches.some((m) => m.entry === e));
            if (!earlier) assert.equal(findEntry(alias, language)?.entry, entry, `${alias} in ${language}`);
          }
        }
      }
    }
  });

  it('keeps LossLab names to LossLab cells and Markdown code, library names to Python and Markdown', () => {
    assert.equal(findEntry('qfl', 'losslab')?.entry.id, 'qfl');
    assert.equal(findEntry('qfl', 'python'), undefined);
    assert.equal(findEntry('qfl', 'markdown'), undefined);
    assert.equal(findEntry('qfl', 'markdown', { inCode: true })?.entry.id, 'qfl');
    assert.equal(findEntry('QualityFocalLoss', 'losslab'), undefined);
    assert.equal(findEntry('QualityFocalLoss', 'python')?.entry.id, 'qfl');
    assert.equal(findEntry('QFL', 'python'), undefined);
    assert.equal(findEntry('QFL', 'markdown')?.entry.id, 'qfl');
    assert.equal(findEntry('focal', 'markdown'), undefined, 'prose words are not hovers');
    assert.equal(findEntry('loss', 'python'), undefined);
  });

  it('is case-sensitive: ArcFace is insightface, arcface is LossLab', () => {
    assert.deepEqual(findEntry('ArcFace', 'python')?.conventions.map((c) => c.library), ['insightface']);
    assert.equal(findEntry('arcface', 'python'), undefined);
    assert.equal(findEntry('arcface', 'losslab')?.entry.id, 'arcface');
    assert.equal(findEntry('qualityfocalloss', 'python'), undefined);
  });

  it('shows both libraries of a shared name, the qualifier’s first', () => {
    const plain = findEntry('TripletMarginLoss', 'python');
    assert.equal(plain?.entry.id, 'triplet');
    assert.deepEqual(plain?.conventions.map((c) => c.library).sort(), ['pytorch', 'pytorch-metric-learning']);
    assert.equal(findEntry('TripletMarginLoss', 'python', { qualifier: 'losses' })?.conventions[0].library, 'pytorch-metric-learning');
    assert.equal(findEntry('TripletMarginLoss', 'python', { qualifier: 'torch.nn' })?.conventions[0].library, 'pytorch');
    assert.deepEqual(findEntry('sigmoid_focal_loss', 'python')?.conventions.map((c) => c.library).sort(), ['mmdetection', 'torchvision']);
  });

  it('tells ultralytics’ DFL module (the Integral) from the DFL acronym', () => {
    assert.equal(findEntry('DFL', 'python')?.entry.id, 'integral');
    assert.equal(findEntry('DFLoss', 'python')?.entry.id, 'dfl');
    assert.equal(findEntry('DFL', 'markdown')?.entry.id, 'dfl');
  });
});

describe('wordAt', () => {
  const cases: [string, string | undefined, string?][] = [
    ['loss = QualityF|ocalLoss(beta=2.0)', 'QualityFocalLoss'],
    ['loss = |QualityFocalLoss(beta=2.0)', 'QualityFocalLoss'],
    ['loss = QualityFocalLoss|(beta=2.0)', 'QualityFocalLoss'],
    ['F.triplet_mar|gin_loss(a, p, n)', 'triplet_margin_loss', 'F'],
    ['torch.nn.functional.triplet_margin_loss|(a, p, n)', 'triplet_margin_loss', 'torch.nn.functional'],
    ["loss_cls=dict(type='QualityFoc|alLoss', beta=2.0)", 'QualityFocalLoss'],
    ['dict(type="Distrib|utionFocalLoss")', 'DistributionFocalLoss'],
    ['x = 1| + 2', undefined],
    ['a  |  b', undefined],
    ['|', undefined],
    ['r = q|fl([[1]], [0], [0.5])', 'qfl'],
  ];
  for (const [marked, word, qualifier] of cases) {
    it(marked, () => {
      const { text, offset } = cursor(marked);
      const found = wordAt(text, offset);
      assert.equal(found?.word, word);
      assert.equal(found?.qualifier, qualifier);
      if (found !== undefined) assert.equal(text.slice(found.start, found.end), word);
    });
  }
});

describe('lookupAt', () => {
  it('finds Python classes, dotted functions and config strings', () => {
    assert.equal(at('loss = QualityF|ocalLoss(beta=2.0)', 'python')?.entry.id, 'qfl');
    assert.equal(at('loss = F.triplet_margin_l|oss(a, p, n)', 'python')?.entry.id, 'triplet');
    assert.equal(at('loss = F.triplet_margin_l|oss(a, p, n)', 'python')?.conventions[0].library, 'pytorch');
    assert.equal(at("loss_cls=dict(type='Qual|ityFocalLoss', use_sigmoid=True, beta=2.0)", 'python')?.entry.id, 'qfl');
    assert.equal(at('loss_dfl=dict(type="DistributionFocalLoss", loss_weight=0.2|5)', 'python'), undefined);
    assert.equal(at('self.bbox_loss = BboxL|oss(m.reg_max).to(device)', 'python')?.entry.id, 'gfl');
    assert.equal(at('from pytorch_metric_learning import losses\nloss_func = losses.ArcFace|Loss(10, 128)', 'python')?.entry.id, 'arcface');
    assert.equal(at('loss = sigm|oid_focal_loss(inputs, targets)', 'python')?.entry.id, 'focal');
  });

  it('finds LossLab names in cells', () => {
    assert.equal(at('r = qf|l([[1.2, -0.3]], [0], [0.8])', 'losslab')?.entry.id, 'qfl');
    assert.equal(at('h = batch_ha|rd(E, labels)', 'losslab')?.entry.id, 'batch_hard');
    assert.equal(at('r.lo|ss', 'losslab'), undefined);
  });

  it('finds Markdown names: acronyms and classes in prose, LossLab names only in code', () => {
    assert.equal(at('We train with QF|L and GIoU.', 'markdown')?.entry.id, 'qfl');
    assert.equal(at('We train with QFL and GIo|U.', 'markdown')?.entry.id, 'giou');
    assert.equal(at('mmdetection’s `QualityFocal|Loss` with beta 2', 'markdown')?.entry.id, 'qfl');
    assert.equal(at('call `qf|l(s, y)` to plot it', 'markdown')?.entry.id, 'qfl');
    assert.equal(at('the qf|l curve', 'markdown'), undefined);
    assert.equal(at('a fo|cal point', 'markdown'), undefined);
    assert.equal(at('```\nr = dfl(z, y)\nh = batch_al|l(E, L)\n```', 'markdown')?.entry.id, 'batch_all');
    assert.equal(at('```\ncode\n```\nbatch_al|l in prose', 'markdown'), undefined);
  });
});

describe('isInMarkdownCode', () => {
  const cases: [string, boolean][] = [
    ['`a|b`', true],
    ['a|b `c`', false],
    ['`a` b| `c`', false],
    ['``a ` |b``', true],
    ['~~~\nx|\n~~~', true],
    ['~~~\nx\n~~~\ny|', false],
    ['````\n```\nx|\n````', true],
  ];
  for (const [marked, inside] of cases) {
    it(JSON.stringify(marked), () => {
      const { text, offset } = cursor(marked);
      assert.equal(isInMarkdownCode(text, offset), inside);
    });
  }
});
