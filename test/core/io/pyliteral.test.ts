import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePyLiteral, type PyValue } from '../../../src/core/io/pyliteral';

const fail = (index: number, expected: string, found: string): never => {
  throw new Error(`${index}: ${expected} / ${found}`);
};
const parse = (text: string): PyValue => parsePyLiteral(text, fail);

describe('parsePyLiteral', () => {
  it('reads the literals a header holds', () => {
    assert.deepEqual(parse("{'a': (1, 2), \"b\": [True, False, None], 'c': 'x\\'y', 'd': (), 'e': (5,), 'f': -3L}"), {
      dict: new Map<string, PyValue>([
        ['a', { tuple: [1, 2] }],
        ['b', [true, false, null]],
        ['c', "x'y"],
        ['d', { tuple: [] }],
        ['e', { tuple: [5] }],
        ['f', -3],
      ]),
    });
    assert.equal(parse('(7)'), 7);
  });

  it('rejects anything that is not a literal, at the offending character', () => {
    for (const [text, index] of [
      ["__import__('os')", 0],
      ['{1: 2}', 1],
      ["{'a': 1, 'a': 2}", 9],
      ['(1.5,)', 1],
      ['[1, 2', 5],
      ["'open", 0],
      ['(1) + (2)', 4],
      ['Truex', 0],
      ['0x10', 0],
    ] as const) {
      assert.throws(() => parse(text), new RegExp(`^Error: ${index}: `), text);
    }
  });
});
