import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InputError } from '../../../src/core/errors';
import {
  CODE_LANGUAGE,
  FORMAT_VERSION,
  NotebookFormatError,
  isTextMime,
  parseNotebook,
  serializeNotebook,
  splitLines,
  type CellModel,
  type JsonObject,
  type NotebookModel,
  type OutputModel,
} from '../../../src/core/notebook/format';
import { brokenRows, fileText, roundTripRows } from '../../helpers/notebook-cases';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('round trip text → model → text', () => {
  for (const row of roundTripRows) {
    it(`is byte for byte: ${row.name}`, () => {
      assert.equal(serializeNotebook(parseNotebook(row.text)), row.text);
    });
  }

  it('is the identity on the model too (model → text → model)', () => {
    for (const row of roundTripRows) {
      const model = parseNotebook(row.text);
      assert.deepStrictEqual(parseNotebook(serializeNotebook(model)), model, row.name);
    }
  });
});

describe('reading', () => {
  const only = (text: string): CellModel => {
    const model = parseNotebook(text);
    assert.equal(model.cells.length, 1);
    return model.cells[0];
  };
  const row = (name: string): string => {
    const found = roundTripRows.find((r) => r.name === name);
    assert.ok(found, name);
    return found.text;
  };

  it('an empty (0-byte) file is a new empty notebook', () => {
    assert.deepStrictEqual(parseNotebook(''), { metadata: {}, cells: [], extra: {} });
  });

  it('joins source lines, keeping CR LF and the final newline as they were', () => {
    assert.equal(only(row('CRLF in source')).source, 'a\r\nb\r\n\r\nc');
    assert.equal(only(row('trailing newline in source')).source, 'a\n');
    assert.equal(only(row('lone CR and mixed line ends')).source, 'a\rb\nc\r\nd\r');
  });

  it('decodes base64 and UTF-8 items to the exact bytes', () => {
    const items = only(row('mime order: plain first')).outputs[0].items;
    assert.deepStrictEqual(items.map((i) => i.mime), ['text/plain', 'text/markdown', 'image/png', 'application/vnd.losslab.figure+json']);
    assert.deepStrictEqual([...items[2].data], [137, 80, 78, 71, 13, 10, 26, 10]);
    assert.deepStrictEqual([...items[1].data], [...Buffer.from('**0.25**', 'utf8')]);
    assert.deepStrictEqual([...only(row('text mime holding invalid UTF-8')).outputs[0].items[0].data], [0xff, 0x61]);
    assert.deepStrictEqual([...only(row('byte-order mark inside a text item')).outputs[0].items[0].data], [0xef, 0xbb, 0xbf, 0x68, 0x69]);
  });

  it('reads the execution summary', () => {
    assert.deepStrictEqual(only(row('full execution summary')).execution, {
      executionOrder: 3,
      success: true,
      timing: { startTime: 1718000000123, endTime: 1718000000456.5, extra: {} },
      extra: {},
    });
    assert.equal(only(row('code cell, default language')).execution, undefined);
  });

  it('keeps unknown fields in order, separate from the known ones', () => {
    const model = parseNotebook(row('unknown top-level fields'));
    assert.deepStrictEqual(Object.keys(model.extra), ['zeta', 'alpha', 'empty']);
    const cell = only(row('unknown cell fields'));
    assert.deepStrictEqual(cell.extra, { id: 'cell-7', attachments: { 'a.png': 'x' } });
    const output = only(row('unknown output and item fields')).outputs[0];
    assert.deepStrictEqual(output.extra, { id: 'out-1', future: [null] });
    assert.deepStrictEqual(output.items.map((i) => i.extra), [{ note: 'item extra' }, { dpi: 96 }]);
  });

  it('keeps a "__proto__" field as data, never as a prototype', () => {
    const cell = only(row('unknown integer-like and __proto__ keys stay after the known ones'));
    assert.equal(Object.getPrototypeOf(cell.extra), Object.prototype);
    assert.ok(Object.prototype.hasOwnProperty.call(cell.extra, '__proto__'));
    assert.equal(({} as { polluted?: boolean }).polluted, undefined);
  });

  it('fills in defaults: languages, empty metadata, no outputs', () => {
    const model = parseNotebook('{"version":1,"cells":[{"kind":"code"},{"kind":"markdown","source":"# hi"}]}');
    assert.deepStrictEqual(model.cells.map((c) => [c.language, c.source, c.metadata, c.outputs]), [
      [CODE_LANGUAGE, '', {}, []],
      ['markdown', '# hi', {}, []],
    ]);
  });
});

describe('canonical form of hand-written files', () => {
  it('reorders known keys, writes source as lines, drops empty metadata and a byte-order mark', () => {
    const messy =
      '\ufeff{"cells":[{"source":"a\\nb","outputs":[],"metadata":{},"kind":"code"},' +
      '{"outputs":[{"items":[{"data":"x\\ny","mime":"text/plain"}],"metadata":{}}],"kind":"code","language":"python","source":[]}],' +
      '"extra":1,"metadata":{},"version":1}';
    const expected = fileText({
      version: 1,
      cells: [
        { kind: 'code', language: 'losslab', source: ['a\n', 'b'] },
        { kind: 'code', language: 'python', source: [], outputs: [{ items: [{ mime: 'text/plain', data: ['x\n', 'y'] }] }] },
      ],
      extra: 1,
    });
    assert.equal(serializeNotebook(parseNotebook(messy)), expected);
  });

  it('writes a base64 item with a text mime as text, and a text item with a binary mime as base64', () => {
    const text = fileText({ version: 1, cells: [{ kind: 'code', outputs: [{ items: [{ mime: 'text/plain', encoding: 'base64', data: 'aGk=' }, { mime: 'image/gif', data: 'hi' }] }] }] });
    const expected = fileText({
      version: 1,
      cells: [{ kind: 'code', language: 'losslab', source: [], outputs: [{ items: [{ mime: 'text/plain', data: ['hi'] }, { mime: 'image/gif', encoding: 'base64', data: 'aGk=' }] }] }],
    });
    assert.equal(serializeNotebook(parseNotebook(text)), expected);
  });
});

describe('broken files', () => {
  for (const row of brokenRows) {
    it(`refuses ${row.name}`, () => {
      assert.throws(
        () => parseNotebook(row.text),
        (error: unknown) => {
          assert.ok(error instanceof NotebookFormatError && error instanceof InputError, String(error));
          assert.match(error.message, /^parseNotebook: /);
          assert.match(error.message, row.message);
          assert.equal(error.argument, row.argument);
          assert.equal(error.line, row.line);
          assert.equal(error.column, row.column);
          return true;
        },
      );
    });
  }
});

describe('splitLines', () => {
  it('matches hand-computed cases', () => {
    assert.deepStrictEqual(splitLines(''), []);
    assert.deepStrictEqual(splitLines('a'), ['a']);
    assert.deepStrictEqual(splitLines('a\n'), ['a\n']);
    assert.deepStrictEqual(splitLines('\n\n'), ['\n', '\n']);
    assert.deepStrictEqual(splitLines('a\r\nb'), ['a\r\n', 'b']);
    assert.deepStrictEqual(splitLines('a\rb'), ['a\rb']);
  });

  it('joins back to the text, with a newline only at the end of each line', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'é', '🚀', '\n', '\r', ' ') }), (text) => {
        const lines = splitLines(text);
        assert.equal(lines.join(''), text);
        lines.forEach((line, i) => {
          assert.ok(line.length > 0);
          assert.equal(line.indexOf('\n'), i < lines.length - 1 || text.endsWith('\n') ? line.length - 1 : -1);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('base64 items', () => {
  it('refuses anything but padded standard base64', () => {
    for (const data of ['A===', '=AAA', 'AA=A', 'AAA', 'AAAA\n', 'AA AA', 'AA-_', 'AAé=', '====']) {
      const text = fileText({ version: 1, cells: [{ kind: 'code', outputs: [{ items: [{ mime: 'image/png', encoding: 'base64', data }] }] }] });
      assert.throws(() => parseNotebook(text), /items\[0\]\.data should be a base64 string/, data);
    }
  });
});

describe('isTextMime', () => {
  it('classifies the mimes LossLab and VS Code use', () => {
    for (const mime of ['text/plain', 'text/markdown', 'text/html', 'application/json', 'application/vnd.losslab.figure+json', 'application/vnd.code.notebook.error', 'application/vnd.code.notebook.stdout', 'image/svg+xml', 'TEXT/PLAIN']) {
      assert.equal(isTextMime(mime), true, mime);
    }
    for (const mime of ['image/png', 'image/jpeg', 'application/octet-stream', 'application/x-npy']) assert.equal(isTextMime(mime), false, mime);
  });
});

describe('random notebooks', () => {
  const key = fc.string({ maxLength: 6 });
  const json = fc.jsonValue({ maxDepth: 2 });
  const object = fc.dictionary(key, json, { maxKeys: 3 }) as fc.Arbitrary<JsonObject>;
  const extra = (known: readonly string[]) => fc.dictionary(key.filter((k) => !known.includes(k)), json, { maxKeys: 2 }) as fc.Arbitrary<JsonObject>;
  const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '\n', '\r', '"', '\\', 'é', '🚀', '\u0000', '\u2028'), maxLength: 12 });
  const mime = fc.constantFrom('text/plain', 'text/markdown', 'image/png', 'application/vnd.losslab.figure+json', 'application/vnd.code.notebook.error', 'application/octet-stream');
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 12 }), text.map(utf8));
  const output: fc.Arbitrary<OutputModel> = fc.record({
    items: fc.uniqueArray(fc.record({ mime, data: bytes, extra: extra(['mime', 'encoding', 'data']) }), { selector: (i) => i.mime, maxLength: 4 }),
    metadata: object,
    extra: extra(['metadata', 'items']),
  });
  const execution = fc.record(
    {
      executionOrder: fc.nat(1000),
      success: fc.boolean(),
      timing: fc.record({ startTime: fc.double({ min: 0, max: 2e12, noNaN: true }), endTime: fc.double({ min: 0, max: 2e12, noNaN: true }), extra: extra(['startTime', 'endTime']) }),
      extra: extra(['executionOrder', 'success', 'timing']),
    },
    { requiredKeys: ['extra'] },
  );
  const cell: fc.Arbitrary<CellModel> = fc
    .record(
      {
        kind: fc.constantFrom('code' as const, 'markdown' as const),
        language: fc.constantFrom('losslab', 'markdown', 'python'),
        source: text,
        metadata: object,
        execution,
        outputs: fc.array(output, { maxLength: 2 }),
        extra: extra(['kind', 'language', 'metadata', 'execution', 'source', 'outputs']),
      },
      { requiredKeys: ['kind', 'language', 'source', 'metadata', 'outputs', 'extra'] },
    )
    // An execution holding nothing is written as no execution at all.
    .map((c) => (c.execution !== undefined && Object.keys(c.execution).length === 1 && Object.keys(c.execution.extra).length === 0 ? { ...c, execution: undefined } : c))
    .map(({ execution: e, ...rest }) => (e === undefined ? rest : { ...rest, execution: e }));
  const notebook: fc.Arbitrary<NotebookModel> = fc.record({
    metadata: object,
    cells: fc.array(cell, { maxLength: 4 }),
    extra: extra(['version', 'metadata', 'cells']),
  });

  it('survive model → text → model, and their text is a fixed point', () => {
    fc.assert(
      fc.property(notebook, (model) => {
        const text = serializeNotebook(model);
        const back = parseNotebook(text);
        assert.deepStrictEqual(normalize(back), normalize(model));
        assert.equal(serializeNotebook(back), text);
        assert.ok(text.endsWith('}\n'));
        assert.equal((JSON.parse(text) as { version: number }).version, FORMAT_VERSION);
      }),
      { numRuns: 200 },
    );
  });

  /** Compares bytes by value whatever their Uint8Array subclass. */
  function normalize(model: NotebookModel): unknown {
    return JSON.parse(JSON.stringify(model, (_k, v: unknown) => (v instanceof Uint8Array ? { bytes: [...v] } : v)));
  }
});
