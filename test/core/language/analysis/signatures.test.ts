import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCell } from '../../../../src/core/language/analysis/diagnostics';
import { callSnippet, optionKeysOf, parseSignature } from '../../../../src/core/language/analysis/signatures';
import { LOSSLAB_FUNCTIONS } from '../../../../src/core/language/analysis/symbols';

/** What a snippet inserts when every placeholder keeps its default (a choice: its first value). */
const expand = (snippet: string): string =>
  snippet.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');

describe('signatures', () => {
  it('splits parameters at top-level commas, with their offsets', () => {
    const s = parseSignature("iou(a, b, {mode: 'iou' | 'giou', eps})");
    assert.deepEqual(s.parameters.map((p) => s.label.slice(p.start, p.end)), ['a', 'b', "{mode: 'iou' | 'giou', eps}"]);
    assert.deepEqual(s.parameters.map((p) => p.isOptions), [false, false, true]);
    assert.deepEqual(optionKeysOf(s.parameters[2]), ['mode', 'eps']);
    assert.deepEqual(optionKeysOf(parseSignature('dfl(pred, target, {bins | reg_max, convention})').parameters[2]), ['bins', 'reg_max', 'convention']);
    assert.deepEqual(parseSignature('census(embeddings, labels, margin = 0.3)').parameters.map((p) => p.optional), [false, false, true]);
  });

  it('every documented option key of every signature is a real option', () => {
    for (const fn of LOSSLAB_FUNCTIONS) {
      for (const signature of fn.signatures) {
        for (const p of parseSignature(signature).parameters.filter((q) => q.isOptions)) {
          for (const key of optionKeysOf(p)) assert.ok(fn.options.some((o) => o.key === key), `${signature}: ${key}`);
        }
      }
    }
  });

  it('every function’s snippet, expanded, is a valid call with no diagnostics', () => {
    for (const fn of LOSSLAB_FUNCTIONS) {
      const text = expand(callSnippet(fn.name, parseSignature(fn.signatures[0]), fn.options));
      assert.deepEqual(validateCell(`r = ${text}`), [], text);
    }
  });
});
