import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scan, type Token } from '../../../../src/core/language/analysis/scanner';
import { analyzeStructure, argumentsOf, type CellStructure } from '../../../../src/core/language/analysis/structure';

/**
 * Independent references for the structure's two searches, written the direct way (each closer
 * scans the open stack; each argument filters every token), which is what the bisections and the
 * per-bracket stacks must agree with.
 */
const PARTNER: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const significant = (t: Token): boolean => t.kind !== 'comment' && t.kind !== 'newline';

function referenceCloses(tokens: readonly Token[]): (number | undefined)[] {
  const opens: { bracket: string; close: number | undefined }[] = [];
  const stack: number[] = [];
  for (const token of tokens) {
    if (token.kind === 'open') {
      opens.push({ bracket: token.text, close: undefined });
      stack.push(opens.length - 1);
    } else if (token.kind === 'close') {
      const depth = stack.map((f) => opens[f].bracket).lastIndexOf(PARTNER[token.text]);
      if (depth < 0) continue;
      while (stack.length > depth) opens[stack.pop() as number].close = token.start;
    }
  }
  return opens.map((o) => o.close);
}

function referenceArguments(structure: CellStructure, frameIndex: number, limit = Infinity): { start: number; end: number; object?: number }[] {
  const frame = structure.frames[frameIndex];
  const end = frame.close ?? limit;
  const bounds = [frame.open, ...frame.commas.filter((c) => c < end), end];
  const args: { start: number; end: number; object?: number }[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const inside = structure.tokens.filter((t) => t.start > bounds[i] && t.end <= bounds[i + 1] && t.start < bounds[i + 1] && significant(t));
    const first = inside[0];
    const last = inside[inside.length - 1];
    const objectIndex = first === undefined ? -1 : structure.frames.findIndex((f) => f.parent === frameIndex && f.open === first.start && f.bracket === '{');
    const object = structure.frames[objectIndex];
    const whole = object !== undefined && object.close !== undefined && last.start === object.close;
    const unclosed = object !== undefined && object.close === undefined;
    args.push({ start: first?.start ?? bounds[i] + 1, end: last?.end ?? bounds[i] + 1, ...(whole || unclosed ? { object: objectIndex } : {}) });
  }
  return args.length === 1 && args[0].start === args[0].end && frame.commas.length === 0 ? [] : args;
}

/** Texts made of the pieces that matter to brackets: calls, objects with keys, commas, strays, comments. */
const pieces = fc.constantFrom('f(', 'g(', '(', ')', '[', ']', '{', '}', '{a: ', 'b: "x"', ', ', '1', 'x', ' # c\n', '\n', ';', '"s(,)"');
const bracketText = fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join(''));

describe('analyzeStructure', () => {
  it('closes each frame where the direct stack search does, for any mix of brackets, strays included', () => {
    fc.assert(
      fc.property(bracketText, (text) => {
        const tokens = scan(text);
        assert.deepEqual(analyzeStructure(tokens).frames.map((f) => f.close), referenceCloses(tokens));
      }),
      { numRuns: 500 },
    );
  });

  it('finds every frame by the offset of its opening bracket', () => {
    fc.assert(
      fc.property(bracketText, (text) => {
        const structure = analyzeStructure(scan(text));
        structure.frames.forEach((frame, index) => assert.equal(structure.frameAt.get(frame.open), index));
        assert.equal(structure.frameAt.size, structure.frames.length);
      }),
      { numRuns: 200 },
    );
  });

  it('reads 100,000 nested brackets of a hostile cell, each closed by its mirror', () => {
    // The analysis runs on the extension host's thread: this took minutes when a closer scanned
    // the whole stack, and the test's own time limit stops it if that comes back.
    const n = 100_000;
    const structure = analyzeStructure(scan(`${'('.repeat(n)}1${')'.repeat(n)}`));
    assert.equal(structure.frames.length, n);
    for (const i of [0, 1, n / 2, n - 1]) assert.equal(structure.frames[i].close, 2 * n - i, `frame ${i}`);
    assert.equal(structure.frames[n - 1].parent, n - 2);
  });
});

describe('argumentsOf', () => {
  it('splits every call as the direct search over all tokens does, with and without a limit', () => {
    fc.assert(
      fc.property(bracketText, fc.nat(80), (text, limit) => {
        const structure = analyzeStructure(scan(text));
        structure.frames.forEach((frame, index) => {
          if (frame.bracket !== '(') return;
          assert.deepEqual(argumentsOf(structure, index), referenceArguments(structure, index), `frame ${index} of ${JSON.stringify(text)}`);
          assert.deepEqual(argumentsOf(structure, index, limit), referenceArguments(structure, index, limit), `frame ${index} of ${JSON.stringify(text)}, limit ${limit}`);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('splits the 40,000 calls of one cell, each with its option object', () => {
    const n = 40_000;
    const structure = analyzeStructure(scan(Array(n).fill('qfl(0.5, 1, {gamma: 2})').join('\n')));
    const calls = structure.frames.map((frame, index) => [frame, index] as const).filter(([frame]) => frame.bracket === '(');
    assert.equal(calls.length, n);
    for (const [, index] of calls) {
      const args = argumentsOf(structure, index);
      assert.equal(args.length, 3);
      assert.equal(structure.frames[args[2].object as number].keys[0].key, 'gamma');
    }
  });
});
