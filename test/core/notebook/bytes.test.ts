import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeBase64, decodeUtf8, encodeBase64 } from '../../../src/core/notebook/bytes';

describe('base64', () => {
  it('matches RFC 4648 test vectors', () => {
    const vectors: Array<[string, string]> = [['', ''], ['f', 'Zg=='], ['fo', 'Zm8='], ['foo', 'Zm9v'], ['foob', 'Zm9vYg=='], ['fooba', 'Zm9vYmE='], ['foobar', 'Zm9vYmFy']];
    for (const [plain, encoded] of vectors) {
      const bytes = new TextEncoder().encode(plain);
      assert.equal(encodeBase64(bytes), encoded);
      assert.deepStrictEqual(decodeBase64(encoded), bytes);
    }
  });

  it("agrees with Node's Buffer both ways, for every length modulo 3 and every byte value", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), (data) => {
        const expected = Buffer.from(data).toString('base64');
        assert.equal(encodeBase64(data), expected);
        assert.deepStrictEqual([...(decodeBase64(expected) ?? [])], [...data]);
      }),
      { numRuns: 300 },
    );
  });

  it('returns undefined for anything but padded standard base64', () => {
    for (const text of ['A', 'AA', 'AAA', 'A===', '=AAA', 'AA=A', 'A=AA', '====', 'AAAA\n', 'AA AA', 'AA-_', 'AAé=', 'AAA\u0100']) {
      assert.equal(decodeBase64(text), undefined, JSON.stringify(text));
    }
  });

  it('handles a multi-megabyte image without recursion or quadratic time', () => {
    const data = new Uint8Array(3_000_001).map((_, i) => (i * 131) & 255);
    const text = encodeBase64(data);
    assert.equal(text, Buffer.from(data).toString('base64'));
    assert.deepStrictEqual(decodeBase64(text), data);
  });
});

describe('decodeUtf8', () => {
  it('decodes valid UTF-8 and keeps a byte-order mark', () => {
    assert.equal(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x68, 0xc3, 0xa9])), '\ufeffhé');
  });

  it('refuses invalid UTF-8 instead of replacing it', () => {
    for (const bytes of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) assert.equal(decodeUtf8(new Uint8Array(bytes)), undefined, String(bytes));
  });
});
