import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LayeredScope } from '../../../src/core/language/scope';
import { Session } from '../../../src/core/language/session';

describe('LayeredScope', () => {
  it('reads through to the parent and writes only to itself', () => {
    const parent = new Map<string, unknown>([['a', 1], ['b', 2]]);
    const scope = new LayeredScope(parent);
    scope.set('b', 20).set('c', 30);
    assert.deepEqual([scope.get('a'), scope.get('b'), scope.get('c')], [1, 20, 30]);
    assert.deepEqual([...parent], [['a', 1], ['b', 2]], 'the parent is untouched');
    assert.equal(scope.size, 3);
    assert.deepEqual([...scope.keys()].sort(), ['a', 'b', 'c']);
    assert.deepEqual(Object.fromEntries(scope), { a: 1, b: 20, c: 30 });
    assert.deepEqual([...scope.values()].sort(), [1, 20, 30]);
    assert.equal(scope.has('a') && scope.has('c') && !scope.has('d'), true);
  });

  it('delete and clear remove only its own bindings, uncovering the parent', () => {
    const scope = new LayeredScope(new Map([['a', 1]]));
    scope.set('a', 5);
    assert.equal(scope.delete('a'), true);
    assert.equal(scope.get('a'), 1);
    assert.equal(scope.delete('a'), false);
    scope.set('x', 1);
    scope.clear();
    assert.deepEqual([...scope.keys()], ['a']);
  });

  it('forEach visits each name once', () => {
    const scope = new LayeredScope(new Map([['a', 1], ['b', 2]]));
    scope.set('a', 3);
    const seen: [string, unknown][] = [];
    scope.forEach((value, key) => seen.push([key, value]));
    assert.deepEqual(seen.sort(), [['a', 3], ['b', 2]]);
    assert.equal(Object.prototype.toString.call(scope), '[object LayeredScope]');
  });

  it('mathjs evaluates against it: a plot binds its variable without touching the notebook scope', () => {
    const session = new Session();
    session.runCell('s = 42; k = 2');
    const outputs = session.runCell('plot(k * s, s, 0, 1, {points: 3})');
    assert.equal(outputs[0].kind, 'figure');
    assert.equal(session.scope.get('s'), 42);
  });
});
