import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { checkInterrupt, inCheckedRanges, installInterrupt, interruptRequested, KeyboardInterrupt } from '../../src/core/interrupt';
import { Session, type CellOutput } from '../../src/core/language/session';

/** A poll that answers "stop" from its `after`-th call on, and counts its calls. */
function stopAfter(after: number): { calls: number; poll: () => boolean } {
  const state = { calls: 0, poll: () => ++state.calls >= after };
  return state;
}

const errors = (outputs: CellOutput[]): Extract<CellOutput, { kind: 'error' }>[] => outputs.filter((o): o is Extract<CellOutput, { kind: 'error' }> => o.kind === 'error');

describe('cooperative interrupt', () => {
  afterEach(() => installInterrupt(undefined));

  it('without a poll, checkpoints never throw and ranges run in one call', () => {
    assert.equal(interruptRequested(), false);
    checkInterrupt();
    const calls: [number, number][] = [];
    inCheckedRanges(10, 1 << 30, (start, end) => calls.push([start, end]));
    assert.deepEqual(calls, [[0, 10]]);
  });

  it('with a poll, ranges cover [0, length) once, in order, with a checkpoint before each', () => {
    let polls = 0;
    installInterrupt(() => (polls++, false));
    const calls: [number, number][] = [];
    // 2^22 work per range over items of 2^20 work: 4 items a range.
    inCheckedRanges(10, 1 << 20, (start, end) => calls.push([start, end]));
    assert.deepEqual(calls, [[0, 4], [4, 8], [8, 10]]);
    assert.equal(polls, 3);
  });

  it('an endless user recursion stops; the scope is as before the cell and the next cell runs', () => {
    const session = new Session();
    assert.deepEqual(errors(session.runCell('x = 42\nh(t) = t + 1')), []);
    const stop = stopAfter(5000);
    installInterrupt(stop.poll);
    // Assignments before and after the definition, and a redefinition of x: all undone.
    const outputs = session.runCell('x = 7\ny = 3\nf(n) = n < 2 ? 1 : f(n - 1) + f(n - 2) + 1\nh(t) = t - 1\nf(60)\nz = 1');
    installInterrupt(undefined);
    const failed = errors(outputs);
    assert.equal(failed.length, 1, JSON.stringify(outputs));
    assert.equal(failed[0].name, 'KeyboardInterrupt');
    assert.match(failed[0].message, /interrupted/);
    // It names the statement that was running: line 5, `f(60)`.
    assert.deepEqual([failed[0].line, failed[0].column], [5, 1]);
    assert.ok(stop.calls >= 5000, 'the recursion reached the checkpoints');
    assert.equal(session.scope.get('x'), 42);
    for (const name of ['y', 'f', 'z']) assert.equal(session.scope.has(name), false, `${name} was undone`);
    assert.equal(session.userFunctions.has('f'), false);
    // h keeps its earlier definition (t + 1: 42 + 2), not the interrupted cell's (t - 1: 42 + 0).
    const next = session.runCell('x + h(1)');
    assert.deepEqual(errors(next), []);
    assert.match(next.map((o) => (o.kind === 'value' ? o.markdown : '')).join(''), /\b44\b/);
  });

  it('a user function used as a map callback stops too (mathjs rethrows its error as a TypeError)', () => {
    const session = new Session();
    session.runCell('g(v) = v * 2');
    installInterrupt(stopAfter(10).poll);
    const outputs = session.runCell('w = map(ones(1000), g)');
    installInterrupt(undefined);
    assert.equal(errors(outputs)[0]?.name, 'KeyboardInterrupt', JSON.stringify(outputs));
    assert.equal(session.scope.has('w'), false);
  });

  it('a long batch-hard mining call stops between tiles', () => {
    const session = new Session();
    session.runCell('x = random([600, 16]); labels = mod(0:599, 10)');
    const stop = stopAfter(3);
    installInterrupt(stop.poll);
    const outputs = session.runCell('r = batch_hard(x, labels)');
    installInterrupt(undefined);
    assert.equal(errors(outputs)[0]?.name, 'KeyboardInterrupt', JSON.stringify(outputs));
    assert.equal(session.scope.has('r'), false);
    // The same call runs to the end without a stop.
    assert.deepEqual(errors(session.runCell('r = batch_hard(x, labels)')), []);
  });

  it('KeyboardInterrupt is an Error named for what the user pressed', () => {
    const error = new KeyboardInterrupt();
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'KeyboardInterrupt');
  });
});
