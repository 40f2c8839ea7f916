import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseNotebook, serializeNotebook } from '../../../src/core/notebook/format';
import { applySavePolicy, DEFAULT_SAVE_POLICY, SAVE_OUTPUTS, type SavePolicy } from '../../../src/core/notebook/savePolicy';
import { fileText } from '../../helpers/notebook-cases';

/** Saves `text` under `policy`, as the editor and `losslab run` do. */
const save = (text: string, policy: SavePolicy): string => serializeNotebook(applySavePolicy(parseNotebook(text), policy));

const FIGURE = 'application/vnd.losslab.figure+json';
const markdown = { kind: 'markdown', language: 'markdown', source: ['# Sweep'] };
const timing = (start: number) => ({ startTime: start, endTime: start + 7 });
const valueOutput = { items: [{ mime: 'text/markdown', data: ['`y` = `0.25`'] }] };
const figureOutput = (data: string[]) => ({ items: [{ mime: FIGURE, data }, { mime: 'text/markdown', data: ['*curves: qfl*'] }] });
const errorOutput = { items: [{ mime: 'application/vnd.code.notebook.error', data: ['{"name":"InputError","message":"boom","stack":"InputError: boom"}'] }] };
const never = { kind: 'code', language: 'losslab', source: ['z = 1'] };

/** The figure as the kernel stores it in memory: compact JSON on one line. */
const compactFigure = ['{"version":1,"kind":"curves","x":[0,0.5,1],"xLabel":"p","series":[{"name":"qfl","y":[1,2,3]}]}'];
/** The same figure as the file stores it: written out by hand, as prettyJson's layout. */
const prettyFigure = ['{\n', '  "version": 1,\n', '  "kind": "curves",\n', '  "x": [0, 0.5, 1],\n', '  "xLabel": "p",\n', '  "series": [\n', '    {\n', '      "name": "qfl",\n', '      "y": [1, 2, 3]\n', '    }\n', '  ]\n', '}'];

/** A run notebook: a value cell (with an unknown execution field), a figure cell, a failed cell and a cell never run. */
function ranNotebook(figure: string[]): string {
  return fileText({
    version: 1,
    cells: [
      markdown,
      { kind: 'code', language: 'losslab', execution: { executionOrder: 1, success: true, timing: timing(1000), kernel: 'k1' }, source: ['y = 0.25'], outputs: [valueOutput] },
      { kind: 'code', language: 'losslab', execution: { executionOrder: 2, success: true, timing: timing(2000) }, source: ['plot(qfl(p, 0.5))'], outputs: [figureOutput(figure)] },
      { kind: 'code', language: 'losslab', execution: { executionOrder: 3, success: false, timing: timing(3000) }, source: ['boom()'], outputs: [errorOutput] },
      never,
    ],
  });
}

/** What each policy writes for ranNotebook, built by hand from the documented layout. */
function expected(policy: SavePolicy): string {
  const run = (order: number, success: boolean, start: number, extra: object = {}) => ({
    executionOrder: order,
    success,
    ...(policy.timings && { timing: timing(start) }),
    ...extra,
  });
  const outputs = (kept: object[]) => (kept.length === 0 ? {} : { outputs: kept });
  const all = policy.outputs === 'all';
  if (policy.outputs === 'none') {
    return fileText({
      version: 1,
      cells: [
        markdown,
        // The unknown field is the user's: it stays, alone.
        { kind: 'code', language: 'losslab', execution: { kernel: 'k1' }, source: ['y = 0.25'] },
        { kind: 'code', language: 'losslab', source: ['plot(qfl(p, 0.5))'] },
        { kind: 'code', language: 'losslab', source: ['boom()'] },
        never,
      ],
    });
  }
  return fileText({
    version: 1,
    cells: [
      markdown,
      { kind: 'code', language: 'losslab', execution: run(1, true, 1000, { kernel: 'k1' }), source: ['y = 0.25'], ...outputs(all ? [valueOutput] : []) },
      { kind: 'code', language: 'losslab', execution: run(2, true, 2000), source: ['plot(qfl(p, 0.5))'], outputs: [figureOutput(prettyFigure)] },
      { kind: 'code', language: 'losslab', execution: run(3, false, 3000), source: ['boom()'], ...outputs(all ? [errorOutput] : []) },
      never,
    ],
  });
}

const policies: SavePolicy[] = SAVE_OUTPUTS.flatMap((outputs) => [false, true].map((timings) => ({ outputs, timings })));

describe('save policy: what the file keeps', () => {
  for (const policy of policies) {
    const name = `saveOutputs ${policy.outputs}, saveTimings ${policy.timings}`;

    it(`${name}: writes what the setting promises`, () => {
      assert.equal(save(ranNotebook(compactFigure), policy), expected(policy));
    });

    it(`${name}: reads back and saves again to the same bytes`, () => {
      const once = save(ranNotebook(compactFigure), policy);
      assert.equal(save(once, policy), once);
      assert.equal(serializeNotebook(parseNotebook(once)), once, 'a plain round trip keeps the saved file too');
    });
  }

  it('stores execution counts as the order the cells ran in: a second Run All in the same kernel saves the same bytes', () => {
    const runAt = (orders: (number | undefined)[]) =>
      fileText({
        version: 1,
        cells: orders.map((order, i) => ({ kind: 'code', language: 'losslab', ...(order !== undefined && { execution: { executionOrder: order, success: true } }), source: [`c${i}`] })),
      });
    const once = save(runAt([1, 2, undefined, 3]), DEFAULT_SAVE_POLICY);
    // The kernel counts on: 15, 16, 17 after the first Run All's 1 … 14.
    assert.equal(save(runAt([15, 16, undefined, 17]), DEFAULT_SAVE_POLICY), once);
    // Cells run out of order keep that order: the last cell ran first.
    assert.equal(save(runAt([20, 31, undefined, 7]), DEFAULT_SAVE_POLICY), runAt([2, 3, undefined, 1]));
  });

  it('the default keeps every output and leaves the timings out', () => {
    assert.deepEqual(DEFAULT_SAVE_POLICY, { outputs: 'all', timings: false });
  });

  it('a figure already pretty-printed, or stored in another layout, is saved in the one layout', () => {
    const reformatted = ['{ "version": 1, "kind": "curves",\n', '\t"x": [0, 0.5, 1], "xLabel": "p",\n', '"series": [{"name": "qfl", "y": [1, 2.0, 3e0]}] }'];
    const policy = { outputs: 'all', timings: false } as const;
    assert.equal(save(ranNotebook(reformatted), policy), save(ranNotebook(compactFigure), policy));
    assert.equal(save(ranNotebook(prettyFigure), policy), expected(policy));
  });

  it('a figure item that is not JSON, and other JSON mimes, are left byte for byte', () => {
    const file = fileText({
      version: 1,
      cells: [
        {
          kind: 'code',
          language: 'losslab',
          source: ['1'],
          outputs: [
            { items: [{ mime: FIGURE, data: ['{"version":1,'] }] },
            { items: [{ mime: 'application/json', data: ['{"a":[1,2]}'] }] },
          ],
        },
      ],
    });
    assert.equal(save(file, { outputs: 'all', timings: false }), file);
  });

  it('figures-only keeps an output whose figure mime is written in another case', () => {
    const file = fileText({ version: 1, cells: [{ kind: 'code', language: 'losslab', source: ['1'], outputs: [{ items: [{ mime: 'Application/Vnd.LossLab.Figure+JSON', data: ['{}'] }] }, valueOutput] }] });
    const kept = parseNotebook(save(file, { outputs: 'figures-only', timings: false })).cells[0].outputs;
    assert.deepEqual(kept.map((o) => o.items[0].mime), ['Application/Vnd.LossLab.Figure+JSON']);
  });
});
