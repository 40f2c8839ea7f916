/**
 * Table rows for the `.lossnb` round-trip and broken-file tests, shared by the pure format tests
 * and the VS Code serializer tests. Each round-trip row is a file exactly as LossLab writes it
 * (docs/format.md): the expected text is built by JSON.stringify(…, null, 2) from objects whose
 * keys are written here in the documented order, or typed out literally, never taken from our
 * own serializer.
 */

/** The canonical text of a file object whose keys are already in the documented order. */
export function fileText(file: unknown): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

const PNG_SIGNATURE_BASE64 = 'iVBORw0KGgo='; // the 8 bytes 137 80 78 71 13 10 26 10

/** A code cell with its keys in the documented order: kind, language, metadata, execution, source, outputs. */
const code = (source: string[], { metadata, execution, outputs }: { metadata?: unknown; execution?: unknown; outputs?: unknown[] } = {}) => ({
  kind: 'code',
  language: 'losslab',
  ...(metadata !== undefined && { metadata }),
  ...(execution !== undefined && { execution }),
  source,
  ...(outputs !== undefined && { outputs }),
});
const output = (...items: unknown[]) => ({ items });

export interface RoundTripRow {
  name: string;
  text: string;
}

/** One row per kind of output, metadata field, mime order, unknown field and text oddity. */
export const roundTripRows: RoundTripRow[] = [
  { name: 'empty notebook', text: fileText({ version: 1, cells: [] }) },
  { name: 'notebook metadata', text: fileText({ version: 1, metadata: { title: 'QFL sweep', tags: ['a', 'b'], nested: { n: 1.5, ok: true, none: null } }, cells: [] }) },
  { name: 'markdown cell', text: fileText({ version: 1, cells: [{ kind: 'markdown', language: 'markdown', source: ['# Title\n', '\n', 'Some *text*.'] }] }) },
  { name: 'code cell, default language', text: fileText({ version: 1, cells: [code(['x = 1\n', 'qfl(x)'])] }) },
  { name: 'code cell, other language', text: fileText({ version: 1, cells: [{ kind: 'code', language: 'python', source: ['print(1)'] }] }) },
  { name: 'cell metadata', text: fileText({ version: 1, cells: [code(['1'], { metadata: { collapsed: true, tags: ['plot'], inputs: { beta: 2 } } })] }) },
  { name: 'empty source', text: fileText({ version: 1, cells: [code([]), { kind: 'markdown', language: 'markdown', source: [] }] }) },
  { name: 'trailing newline in source', text: fileText({ version: 1, cells: [code(['a\n'])] }) },
  { name: 'no trailing newline in source', text: fileText({ version: 1, cells: [code(['a\n', 'b'])] }) },
  { name: 'only newlines in source', text: fileText({ version: 1, cells: [code(['\n', '\n', '\n'])] }) },
  { name: 'CRLF in source', text: fileText({ version: 1, cells: [code(['a\r\n', 'b\r\n', '\r\n', 'c'])] }) },
  { name: 'lone CR and mixed line ends', text: fileText({ version: 1, cells: [code(['a\rb\n', 'c\r\n', 'd\r'])] }) },
  {
    name: 'unicode',
    text: fileText({
      version: 1,
      metadata: { 'clé ünïcødé': 'θ = arccos(x) — 損失 🚀' },
      cells: [{ kind: 'markdown', language: 'markdown', source: ['# Ω ∑ 🎉 e\u0301 \u05e9\u05dc\u05d5\u05dd\n', 'line\u2028sep\u2029para'] }],
    }),
  },
  { name: 'escapes and control characters', text: fileText({ version: 1, cells: [code(['"q" \\ \t\b\f\u0000\u001f\u007f\n'])] }) },
  { name: 'execution order only', text: fileText({ version: 1, cells: [code(['1'], { execution: { executionOrder: 7 } })] }) },
  { name: 'execution order 0 and failure', text: fileText({ version: 1, cells: [code(['1'], { execution: { executionOrder: 0, success: false } })] }) },
  {
    name: 'full execution summary',
    text: fileText({ version: 1, cells: [code(['1'], { execution: { executionOrder: 3, success: true, timing: { startTime: 1718000000123, endTime: 1718000000456.5 } } })] }),
  },
  { name: 'text/plain output', text: fileText({ version: 1, cells: [code(['1'], { outputs: [output({ mime: 'text/plain', data: ['tensor(0.25)'] })] })] }) },
  { name: 'text/markdown output', text: fileText({ version: 1, cells: [code(['1'], { outputs: [output({ mime: 'text/markdown', data: ['| a | b |\n', '|---|---|\n', '| 1 | 2 |\n'] })] })] }) },
  {
    name: 'figure output',
    text: fileText({
      version: 1,
      cells: [code(['plot(x)'], { outputs: [output({ mime: 'application/vnd.losslab.figure+json', data: ['{\n', '\t"data": [{"x": [1, 2], "y": [3, 4]}],\n', '\t"layout": {}\n', '}'] })] })],
    }),
  },
  {
    name: 'error output',
    text: fileText({
      version: 1,
      cells: [code(['boom()'], { execution: { executionOrder: 2, success: false }, outputs: [output({ mime: 'application/vnd.code.notebook.error', data: ['{"name":"InputError","message":"qfl: pred should be finite","stack":"at qfl"}'] })] })],
    }),
  },
  {
    name: 'stdout and stderr streams, repeated',
    text: fileText({
      version: 1,
      cells: [
        code(['1'], {
          outputs: [
            output(
              { mime: 'application/vnd.code.notebook.stdout', data: ['epoch 1\n'] },
              { mime: 'application/vnd.code.notebook.stdout', data: ['epoch 2\n'] },
              { mime: 'application/vnd.code.notebook.stderr', data: ['warning\n'] },
            ),
          ],
        }),
      ],
    }),
  },
  { name: 'binary image output', text: fileText({ version: 1, cells: [code(['1'], { outputs: [output({ mime: 'image/png', encoding: 'base64', data: PNG_SIGNATURE_BASE64 })] })] }) },
  { name: 'empty binary item', text: fileText({ version: 1, cells: [code(['1'], { outputs: [output({ mime: 'application/octet-stream', encoding: 'base64', data: '' })] })] }) },
  { name: 'empty text item', text: fileText({ version: 1, cells: [code(['1'], { outputs: [output({ mime: 'text/plain', data: [] })] })] }) },
  { name: 'text mime holding invalid UTF-8', text: fileText({ version: 1, cells: [code(['1'], { outputs: [output({ mime: 'text/plain', encoding: 'base64', data: '/2E=' })] })] }) },
  { name: 'byte-order mark inside a text item', text: fileText({ version: 1, cells: [code(['1'], { outputs: [output({ mime: 'text/plain', data: ['\ufeffhi'] })] })] }) },
  { name: 'mime with parameters', text: fileText({ version: 1, cells: [code(['1'], { outputs: [output({ mime: 'text/plain;charset=utf-8', data: ['x'] })] })] }) },
  {
    name: 'mime order: rich first',
    text: fileText({
      version: 1,
      cells: [
        code(['1'], {
          outputs: [
            output(
              { mime: 'application/vnd.losslab.figure+json', data: ['{}'] },
              { mime: 'image/png', encoding: 'base64', data: PNG_SIGNATURE_BASE64 },
              { mime: 'text/markdown', data: ['**0.25**'] },
              { mime: 'text/plain', data: ['0.25'] },
            ),
          ],
        }),
      ],
    }),
  },
  {
    name: 'mime order: plain first',
    text: fileText({
      version: 1,
      cells: [
        code(['1'], {
          outputs: [
            output(
              { mime: 'text/plain', data: ['0.25'] },
              { mime: 'text/markdown', data: ['**0.25**'] },
              { mime: 'image/png', encoding: 'base64', data: PNG_SIGNATURE_BASE64 },
              { mime: 'application/vnd.losslab.figure+json', data: ['{}'] },
            ),
          ],
        }),
      ],
    }),
  },
  {
    name: 'output metadata and several outputs',
    text: fileText({
      version: 1,
      cells: [
        code(['1'], {
          outputs: [
            { metadata: { kind: 'figure', size: [640, 480] }, items: [{ mime: 'text/plain', data: ['a'] }] },
            output({ mime: 'text/plain', data: ['b'] }),
            { metadata: { transient: { display_id: 'x' } }, items: [] },
          ],
        }),
      ],
    }),
  },
  {
    name: 'unknown top-level fields',
    text: fileText({ version: 1, metadata: { a: 1 }, cells: [], zeta: { nested: [1, { deep: true }] }, alpha: 'kept after cells, in file order', empty: {} }),
  },
  {
    name: 'unknown cell fields',
    text: fileText({
      version: 1,
      cells: [{ kind: 'code', language: 'losslab', metadata: { m: 1 }, execution: { executionOrder: 1 }, source: ['1'], outputs: [output({ mime: 'text/plain', data: ['1'] })], id: 'cell-7', attachments: { 'a.png': 'x' } }],
    }),
  },
  {
    name: 'unknown output and item fields',
    text: fileText({
      version: 1,
      cells: [code(['1'], { outputs: [{ metadata: { m: 1 }, items: [{ mime: 'text/plain', data: ['1'], note: 'item extra' }, { mime: 'image/png', encoding: 'base64', data: PNG_SIGNATURE_BASE64, dpi: 96 }], id: 'out-1', future: [null] }] })],
    }),
  },
  {
    name: 'unknown execution and timing fields',
    text: fileText({ version: 1, cells: [code(['1'], { execution: { executionOrder: 4, success: true, timing: { startTime: 1, endTime: 2, clock: 'mono' }, kernel: 'worker-2' } })] }),
  },
  {
    name: 'unknown fields only, in an execution',
    text: fileText({ version: 1, cells: [code(['1'], { execution: { kernel: 'worker-2' } })] }),
  },
  {
    name: 'unknown integer-like and __proto__ keys stay after the known ones',
    text: '{\n  "version": 1,\n  "cells": [\n    {\n      "kind": "code",\n      "language": "losslab",\n      "source": [],\n      "7": "cell extra",\n      "__proto__": {\n        "polluted": true\n      }\n    }\n  ],\n  "0": "first unknown",\n  "b": 2\n}\n',
  },
  {
    name: 'a whole notebook',
    text: fileText({
      version: 1,
      metadata: { losslab: { kernel: 'worker' } },
      cells: [
        { kind: 'markdown', language: 'markdown', source: ['# QFL vs focal\n', 'With β = 2.'] },
        code(['p = sigmoid(linspace(-5, 5, 101))\n', 'plot(qfl(p, 0.5, 2))'], {
          metadata: { tags: ['figure'] },
          execution: { executionOrder: 1, success: true, timing: { startTime: 10, endTime: 25 } },
          outputs: [output({ mime: 'application/vnd.losslab.figure+json', data: ['{"traces":[]}'] }, { mime: 'text/markdown', data: ['*figure*'] })],
        }),
      ],
    }),
  },
];

export interface BrokenRow {
  name: string;
  text: string;
  /** What the message must say. */
  message: RegExp;
  /** The field path (InputError.argument). */
  argument: string;
  line?: number;
  column?: number;
}

const cellsText = (cells: unknown): string => fileText({ version: 1, cells });

/** Files that must fail to open, with the position or field the error has to name. */
export const brokenRows: BrokenRow[] = [
  { name: 'whitespace only', text: '  \n', message: /valid JSON.*line 2, column 1: unexpected end of file/, argument: 'the file', line: 2, column: 1 },
  { name: 'truncated file', text: '{\n  "version": 1,\n  "cells": [\n    {\n      "kind": "co', message: /line 5, column 15: unterminated string/, argument: 'the file', line: 5, column: 15 },
  { name: 'missing bracket', text: '{\n  "version": 1,\n  "cells": [}\n', message: /line 3, column 13: unexpected "}"/, argument: 'the file', line: 3, column: 13 },
  { name: 'trailing comma', text: '{\n  "version": 1,\n  "cells": [],\n}\n', message: /line 4, column 1: expected a property name in double quotes but found "}"/, argument: 'the file', line: 4, column: 1 },
  { name: 'single quotes', text: "{'version': 1}", message: /line 1, column 2: expected a property name/, argument: 'the file', line: 1, column: 2 },
  { name: 'missing comma', text: '{\n  "version": 1\n  "cells": []\n}', message: /line 3, column 3: expected "," or "}" but found "\\""/, argument: 'the file', line: 3, column: 3 },
  { name: 'garbage after the object', text: '{"version": 1, "cells": []}\nx', message: /line 2, column 1: unexpected "x" after the end/, argument: 'the file', line: 2, column: 1 },
  { name: 'NaN literal', text: '{"version": 1, "cells": [], "x": NaN}', message: /line 1, column 34: unexpected "N"/, argument: 'the file', line: 1, column: 34 },
  { name: 'a JSON array', text: '[]', message: /the file should be a JSON object with "version" and "cells", but is an array/, argument: 'the file' },
  { name: 'null', text: 'null', message: /the file should be a JSON object/, argument: 'the file' },
  { name: 'missing version', text: '{"cells": []}', message: /version should be 1 .*but is missing/, argument: 'version' },
  { name: 'newer version', text: '{"version": 2, "cells": []}', message: /version should be 1 .*but is 2: this file was written by a newer LossLab; update the extension/, argument: 'version' },
  { name: 'version 0', text: '{"version": 0, "cells": []}', message: /version should be 1 .*but is 0$/, argument: 'version' },
  { name: 'version as a string', text: '{"version": "1", "cells": []}', message: /version should be 1 .*but is "1"/, argument: 'version' },
  { name: 'fractional version', text: '{"version": 1.5, "cells": []}', message: /version should be 1 .*but is 1.5/, argument: 'version' },
  { name: 'missing cells', text: '{"version": 1}', message: /cells should be an array of cells, but is missing/, argument: 'cells' },
  { name: 'cells not an array', text: '{"version": 1, "cells": {}}', message: /cells should be an array of cells, but is an object/, argument: 'cells' },
  { name: 'metadata an array', text: '{"version": 1, "metadata": [], "cells": []}', message: /metadata should be a JSON object, but is an array/, argument: 'metadata' },
  { name: 'cell not an object', text: cellsText([3]), message: /cells\[0\] should be a cell object, but is 3/, argument: 'cells[0]' },
  { name: 'cell without kind', text: cellsText([{ kind: 'code', source: [] }, { source: [] }]), message: /cells\[1\]\.kind should be "code" or "markdown", but is missing/, argument: 'cells[1].kind' },
  { name: 'unknown cell kind', text: cellsText([{ kind: 'raw', source: [] }]), message: /cells\[0\]\.kind .*but is "raw"/, argument: 'cells[0].kind' },
  { name: 'language not a string', text: cellsText([{ kind: 'code', language: 3 }]), message: /cells\[0\]\.language should be a non-empty language id/, argument: 'cells[0].language' },
  { name: 'source a number', text: cellsText([{ kind: 'code', source: 5 }]), message: /cells\[0\]\.source should be a string or an array of lines, but is 5/, argument: 'cells[0].source' },
  { name: 'source line not a string', text: cellsText([{ kind: 'code', source: ['a\n', null] }]), message: /cells\[0\]\.source\[1\] should be a string/, argument: 'cells[0].source[1]' },
  { name: 'cell metadata a string', text: cellsText([{ kind: 'code', metadata: 'x' }]), message: /cells\[0\]\.metadata should be a JSON object/, argument: 'cells[0].metadata' },
  { name: 'outputs not an array', text: cellsText([{ kind: 'code', outputs: {} }]), message: /cells\[0\]\.outputs should be an array of outputs/, argument: 'cells[0].outputs' },
  { name: 'output without items', text: cellsText([{ kind: 'code', outputs: [{}] }]), message: /cells\[0\]\.outputs\[0\]\.items should be an array of output items, but is missing/, argument: 'cells[0].outputs[0].items' },
  { name: 'item without mime', text: cellsText([{ kind: 'code', outputs: [{ items: [{ data: 'x' }] }] }]), message: /items\[0\]\.mime should be a mime type/, argument: 'cells[0].outputs[0].items[0].mime' },
  { name: 'malformed mime', text: cellsText([{ kind: 'code', outputs: [{ items: [{ mime: 'plain', data: 'x' }] }] }]), message: /mime should be a mime type .*but is "plain"/, argument: 'cells[0].outputs[0].items[0].mime' },
  {
    name: 'duplicate mime in one output',
    text: cellsText([{ kind: 'code', outputs: [{ items: [{ mime: 'text/plain', data: 'a' }, { mime: 'Text/Plain', data: 'b' }] }] }]),
    message: /items\[1\]\.mime should be a mime type not already used in the same output, but is "Text\/Plain"/,
    argument: 'cells[0].outputs[0].items[1].mime',
  },
  { name: 'unknown encoding', text: cellsText([{ kind: 'code', outputs: [{ items: [{ mime: 'image/png', encoding: 'hex', data: '00' }] }] }]), message: /encoding should be "base64" or absent/, argument: 'cells[0].outputs[0].items[0].encoding' },
  { name: 'invalid base64', text: cellsText([{ kind: 'code', outputs: [{ items: [{ mime: 'image/png', encoding: 'base64', data: 'abc' }] }] }]), message: /data should be a base64 string/, argument: 'cells[0].outputs[0].items[0].data' },
  { name: 'base64 data as lines', text: cellsText([{ kind: 'code', outputs: [{ items: [{ mime: 'image/png', encoding: 'base64', data: ['AA=='] }] }] }]), message: /data should be a base64 string/, argument: 'cells[0].outputs[0].items[0].data' },
  { name: 'text data missing', text: cellsText([{ kind: 'code', outputs: [{ items: [{ mime: 'text/plain' }] }] }]), message: /data should be a string or an array of lines, but is missing/, argument: 'cells[0].outputs[0].items[0].data' },
  { name: 'negative execution order', text: cellsText([{ kind: 'code', execution: { executionOrder: -1 } }]), message: /executionOrder should be a non-negative integer, but is -1/, argument: 'cells[0].execution.executionOrder' },
  { name: 'fractional execution order', text: cellsText([{ kind: 'code', execution: { executionOrder: 1.5 } }]), message: /executionOrder should be a non-negative integer/, argument: 'cells[0].execution.executionOrder' },
  { name: 'success not a boolean', text: cellsText([{ kind: 'code', execution: { success: 'yes' } }]), message: /success should be true or false, but is "yes"/, argument: 'cells[0].execution.success' },
  { name: 'timing without endTime', text: cellsText([{ kind: 'code', execution: { timing: { startTime: 1 } } }]), message: /timing\.endTime should be a number/, argument: 'cells[0].execution.timing.endTime' },
  { name: 'execution an array', text: cellsText([{ kind: 'code', execution: [] }]), message: /execution should be an execution summary object/, argument: 'cells[0].execution' },
];
