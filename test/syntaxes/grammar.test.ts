import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

// The real TextMate engine VS Code uses, on the grammar file the manifest contributes.
let grammar: textmate.IGrammar;

before(async () => {
  const wasm = readFileSync('node_modules/vscode-oniguruma/release/onig.wasm');
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async () => textmate.parseRawGrammar(readFileSync('syntaxes/losslab.tmLanguage.json', 'utf8'), 'losslab.tmLanguage.json'),
  });
  const loaded = await registry.loadGrammar('source.losslab');
  assert.ok(loaded, 'the grammar should load');
  grammar = loaded;
});

/** The innermost scope of each token of one line, as `text → scope`. */
function scopes(line: string): Map<string, string> {
  const { tokens } = grammar.tokenizeLine(line, textmate.INITIAL);
  const out = new Map<string, string>();
  for (const token of tokens) {
    const text = line.slice(token.startIndex, token.endIndex).trim();
    if (text !== '') out.set(text, token.scopes[token.scopes.length - 1]);
  }
  return out;
}

describe('losslab grammar', () => {
  it('marks LossLab functions, numbers, option keys, strings and comments', () => {
    const tokens = scopes('r = qfl(pred, label, 0.8e-1, {beta: 2, reduction: "sum"})  # soft IoU');
    assert.equal(tokens.get('qfl'), 'support.function.loss.losslab');
    assert.equal(tokens.get('0.8e-1'), 'constant.numeric.losslab');
    assert.equal(tokens.get('beta'), 'variable.other.property.losslab');
    assert.equal(tokens.get('sum'), 'string.quoted.double.losslab');
    assert.equal(tokens.get('# soft IoU'), 'comment.line.number-sign.losslab');
    assert.equal(tokens.get('pred'), 'variable.other.losslab');
  });

  it('marks figure functions and function definitions', () => {
    const definition = scopes('f(s, y) = qfl(s, y, 2)');
    assert.equal(definition.get('f'), 'entity.name.function.losslab');
    assert.equal(definition.get('s, y'), 'variable.parameter.losslab');
    assert.equal(scopes('plot(f(s, 0.5), s, 0, 1)').get('plot'), 'support.function.figure.losslab');
  });

  it('does not take a variable named like a function for a call', () => {
    assert.equal(scopes('qfl = 3').get('qfl'), 'variable.other.losslab');
  });
});
