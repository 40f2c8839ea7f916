import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callContextAt } from '../../../../src/core/language/analysis/callContext';
import { signatureHelpAt } from '../../../../src/core/language/analysis/signatureHelp';
import { cursor } from './cursor';

function help(marked: string, earlier: string[] = []): { signature: string; parameter: string | undefined; activeParameter: number } | undefined {
  const { text, offset } = cursor(marked);
  const result = signatureHelpAt(text, offset, earlier);
  if (result === undefined) return undefined;
  const signature = result.signatures[result.activeSignature];
  const p = signature.parameters[result.activeParameter];
  return { signature: signature.label, parameter: p === undefined ? undefined : signature.label.slice(p.start, p.end), activeParameter: result.activeParameter };
}

describe('call context', () => {
  it('names the innermost open call and the argument the cursor is in', () => {
    const { text, offset } = cursor('r = qfl([1, 2], sigmoid(|), y)');
    assert.deepEqual({ ...callContextAt(text, offset) }, { name: 'sigmoid', nameStart: 16, nameEnd: 23, open: 23, argIndex: 0, member: false, scalarFirst: false, inObjectArgument: false });
  });

  it('counts only the call’s own commas, not those in brackets or objects', () => {
    const { text, offset } = cursor('qfl([[1, 2], [3, 4]], {beta: 1, reduction: "sum"}, |');
    assert.equal(callContextAt(text, offset)?.argIndex, 2);
  });

  it('reports the option object, its present keys and whether the cursor is at a key or a value', () => {
    const at = (marked: string) => {
      const { text, offset } = cursor(marked);
      return callContextAt(text, offset)?.option;
    };
    assert.deepEqual(at('qfl(a, {beta: 2, |})'), { open: 7, presentKeys: ['beta'], at: 'key' });
    assert.deepEqual(at('qfl(a, {beta: |})'), { open: 7, presentKeys: ['beta'], at: 'value', key: 'beta' });
    assert.deepEqual(at('qfl(a, {"beta": 2, reduction: "s|"})'), { open: 7, presentKeys: ['beta', 'reduction'], at: 'value', key: 'reduction' });
    assert.equal(at('qfl(a, {b: [1, |]})'), undefined, 'inside a value’s brackets');
    assert.equal(at('qfl({a: 1}.a, |)'), undefined);
  });

  it('is undefined outside calls, and marks method calls', () => {
    assert.equal(callContextAt('x = (1 + 2)', 6), undefined);
    assert.equal(callContextAt('qfl(a, b) + 1', 11), undefined);
    assert.equal(callContextAt('a mod (b)', 8), undefined);
    assert.equal(callContextAt('r.f(1)', 4)?.member, true);
  });
});

describe('signature help', () => {
  it('highlights the argument being typed', () => {
    assert.deepEqual(help('qfl(|'), { signature: 'qfl(pred, label, score, {beta, activated, background, precision, reduction})', parameter: 'pred', activeParameter: 0 });
    assert.equal(help('qfl(a, |')?.parameter, 'label');
    assert.equal(help('qfl(a, b, [1, |')?.parameter, 'score');
    assert.equal(help('focal(x,\n  y,\n  |)')?.parameter, '{alpha, gamma, precision, reduction}');
  });

  it('counts the option object as the last parameter and picks the form it belongs to', () => {
    assert.deepEqual(help('qfl(p, l, s, {be|})'), { signature: 'qfl(pred, label, score, {beta, activated, background, precision, reduction})', parameter: '{beta, activated, background, precision, reduction}', activeParameter: 3 });
    assert.deepEqual(help('qfl(p, t, {be|})'), { signature: 'qfl(pred, target, {beta, precision})', parameter: '{beta, precision}', activeParameter: 2 });
    assert.equal(help('plot(f(s), s, 0, 1, {over: {beta: [1, |]}})')?.parameter, '{points, grad, over, sliders, names, title, x_label, y_label}');
    assert.equal(help('heatmap(m, {|})')?.signature, 'heatmap(matrix, {title, z_label})');
  });

  it('prefers the scalar form when the first argument is a number', () => {
    assert.deepEqual(help('qfl(0.3, 0.9, |)'), { signature: 'qfl(sigma, y, beta = 2)', parameter: 'beta = 2', activeParameter: 2 });
    assert.equal(help('focal(-0.5, 1, |')?.signature, 'focal(p, y, alpha = 0.25, gamma = 2)');
  });

  it('documents the option parameter with every option and its default', () => {
    const { text, offset } = cursor('giou(a, b, {|})');
    const result = signatureHelpAt(text, offset);
    const doc = result?.signatures[0].parameters[2].documentation ?? '';
    assert.ok(doc.includes('`eps: number = 1e-7`'));
    assert.ok(doc.includes('`reduction: "none" | "mean" | "sum" = "mean"`'));
  });

  it('shows user functions from earlier cells with their parameters', () => {
    assert.deepEqual(help('f(1, |)', ['f(a, b) = a + b']), { signature: 'f(a, b)', parameter: 'b', activeParameter: 1 });
  });

  it('gives nothing outside a call, for methods, and for undocumented mathjs functions', () => {
    assert.equal(help('x = |'), undefined);
    assert.equal(help('r.grad(|'), undefined);
    assert.equal(help('sin(|'), undefined);
    assert.equal(help('unknown_fn(|'), undefined);
  });
});
