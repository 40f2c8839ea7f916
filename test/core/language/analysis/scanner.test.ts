import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { completeAt } from '../../../../src/core/language/analysis/completion';
import { validateCell } from '../../../../src/core/language/analysis/diagnostics';
import { scan, tokenCovering } from '../../../../src/core/language/analysis/scanner';
import { signatureHelpAt } from '../../../../src/core/language/analysis/signatureHelp';
import { analyzeStructure, argumentsOf } from '../../../../src/core/language/analysis/structure';

const kinds = (text: string): string[] => scan(text).map((t) => `${t.kind}:${t.text}`);

describe('scanner', () => {
  it('reads names, numbers, strings, comments and punctuation', () => {
    assert.deepEqual(kinds('r = qfl(1.5e-3, "a#b") # c'), ['name:r', 'assign:=', 'name:qfl', 'open:(', 'number:1.5e-3', 'comma:,', 'string:"a#b"', 'close:)', 'comment:# c']);
  });

  it("tells a transpose ' from a string quote by what precedes it", () => {
    assert.deepEqual(kinds("t = m' + 'x'"), ['name:t', 'assign:=', 'name:m', "operator:'", 'operator:+', "string:'x'"]);
    assert.deepEqual(kinds("[1]'"), ['open:[', 'number:1', 'close:]', "operator:'"]);
  });

  it('keeps == and .* whole, and an unclosed string to the end of its line', () => {
    assert.deepEqual(kinds('a == b .* c'), ['name:a', 'operator:==', 'name:b', 'operator:.*', 'name:c']);
    const tokens = scan('s = "abc\nx');
    assert.equal(tokens[2].text, '"abc');
    assert.equal(tokens[2].terminated, false);
    assert.equal(tokens[4].text, 'x');
  });

  it('reads Unicode names', () => {
    assert.deepEqual(kinds('β = σ2'), ['name:β', 'assign:=', 'name:σ2']);
  });
});

describe('tokenCovering', () => {
  it('finds the token a linear search finds, at every offset of any text', () => {
    const piece = fc.constantFrom('qfl', '(', ')', '1.5', '"a b"', ' ', '\n', '# c', ',', '=', 'x');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        const tokens = scan(text);
        for (let offset = -1; offset <= text.length + 1; offset++) {
          assert.equal(tokenCovering(tokens, offset), tokens.find((t) => t.start <= offset && offset < t.end), `offset ${offset} of ${JSON.stringify(text)}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('structure', () => {
  it('finds calls, their arguments and whole-object arguments', () => {
    const text = 'qfl(a[1, 2], {beta: 2}, f(x))';
    const structure = analyzeStructure(scan(text));
    const args = argumentsOf(structure, 0);
    assert.deepEqual(args.map((a) => text.slice(a.start, a.end)), ['a[1, 2]', '{beta: 2}', 'f(x)']);
    assert.equal(structure.frames[args[1].object ?? -1].keys[0].key, 'beta');
    assert.equal(args[0].object, undefined);
    assert.deepEqual(argumentsOf(analyzeStructure(scan('f()')), 0), []);
  });

  it('closes frames left open by a stray closer', () => {
    const structure = analyzeStructure(scan('f(a, [1, 2)'));
    assert.deepEqual(structure.frames.map((f) => f.close), [10, 10]);
  });
});

describe('every analysis tolerates any text at any offset', () => {
  const alphabet = fc.constantFrom(...'qfl(a, {beta: 2}) [1;2] "x\' #c\n.=+ plot heatmap focal reduction "sum" , )}]'.split(/(?=[ (){}\[\],;"'#\n.=+])/));
  it('never throws, and keeps every range and fix inside the text', () => {
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 30 }), fc.nat(), (parts, at) => {
        const text = parts.join('');
        const offset = text.length === 0 ? 0 : at % (text.length + 1);
        const completion = completeAt(text, offset);
        assert.ok(0 <= completion.start && completion.start <= offset && offset <= completion.end && completion.end <= text.length);
        signatureHelpAt(text, offset);
        for (const d of validateCell(text)) {
          assert.ok(0 <= d.start && d.start < d.end && d.end <= text.length, JSON.stringify({ text, d }));
          for (const fix of d.fixes) assert.ok(0 <= fix.start && fix.start <= fix.end && fix.end <= text.length);
        }
      }),
      { numRuns: 300 },
    );
  });
});
