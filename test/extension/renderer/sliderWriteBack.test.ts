import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyReplacements, findAssignments, planWriteBack } from '../../../src/extension/renderer/sliderWriteBack';
import { decodeDataUrl, isRendererMessage } from '../../../src/renderer/messages';

describe('slider write-back', () => {
  it('finds plain numeric assignments, not comparisons, comments or computed values', () => {
    const source = 'beta = 2\nbetax = 3; beta=-1.5e-3 # beta = 9\nbeta == 4\nbeta = gamma + 1\n  beta = .5;';
    const found = findAssignments(source, 'beta').map(({ start, end }) => source.slice(start, end));
    assert.deepEqual(found, ['2', '-1.5e-3', '.5']);
  });

  it('rewrites the last assignment in the last defining cell at or before the figure', () => {
    const cells = [
      { index: 0, source: 'beta = 1\ny0 = 0.5' },
      { index: 1, source: '# tweak\nbeta = 2; gamma = 3' },
      { index: 2, source: 'plot(qfl(s, y0, beta), s, 0, 1, {sliders: {beta: [0, 4]}})' },
      { index: 3, source: 'beta = 7' },
    ];
    const plan = planWriteBack(cells, 2, { beta: 2.5, y0: 0.25, missingName: 1 });
    assert.deepEqual(plan.missing, ['missingName']);
    assert.equal(applyReplacements(cells[1].source, 1, plan.replacements), '# tweak\nbeta = 2.5; gamma = 3');
    assert.equal(applyReplacements(cells[0].source, 0, plan.replacements), 'beta = 1\ny0 = 0.25');
    assert.equal(applyReplacements(cells[3].source, 3, plan.replacements), 'beta = 7');
  });

  it('uses a later cell only when no earlier one assigns the variable', () => {
    const plan = planWriteBack([{ index: 0, source: 'plot(x^k, x, 0, 1)' }, { index: 1, source: 'k = 3' }], 0, { k: 4 });
    assert.equal(applyReplacements('k = 3', 1, plan.replacements), 'k = 4');
  });
});

describe('renderer messages', () => {
  it('accepts only well-formed messages', () => {
    assert.ok(isRendererMessage({ type: 'export', format: 'png', dataUrl: 'data:,', suggestedName: 'a.png' }));
    assert.ok(isRendererMessage({ type: 'writeBack', statement: 'plot(…)', values: { beta: 1 } }));
    assert.ok(!isRendererMessage({ type: 'writeBack', statement: 'plot(…)', values: { beta: Number.NaN } }));
    assert.ok(!isRendererMessage({ type: 'export', format: 'gif', dataUrl: 'data:,', suggestedName: 'a.gif' }));
    assert.ok(!isRendererMessage(null));
  });

  it('decodes base64 and percent-encoded data URLs', () => {
    assert.deepEqual([...(decodeDataUrl('data:image/png;base64,iVBORw==')?.bytes ?? [])], [0x89, 0x50, 0x4e, 0x47]);
    const svg = decodeDataUrl(`data:image/svg+xml,${encodeURIComponent('<svg a="1">é</svg>')}`);
    assert.equal(svg?.mime, 'image/svg+xml');
    assert.equal(new TextDecoder().decode(svg?.bytes), '<svg a="1">é</svg>');
    assert.equal(decodeDataUrl('https://example.com/x.png'), undefined);
  });
});
