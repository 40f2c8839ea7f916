import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Session, type CellOutput } from '../../../src/core/language/session';

type ErrorOutput = Extract<CellOutput, { kind: 'error' }>;
const errors = (outputs: CellOutput[]): ErrorOutput[] => outputs.filter((o): o is ErrorOutput => o.kind === 'error');
function onlyError(session: Session, source: string): ErrorOutput {
  const outputs = session.runCell(source);
  const found = errors(outputs);
  assert.equal(found.length, 1, `${source}: ${JSON.stringify(outputs)}`);
  return found[0];
}
const capMessage = (what: string, count: number, cap: number): string =>
  `${what} would hold ${count.toLocaleString('en-US')} elements, more than the cap of ${cap.toLocaleString('en-US')} (setting losslab.kernel.elementCap)`;

describe('Session: outputs', () => {
  it('shows the last assignment and every visible expression; ; hides a value', () => {
    const session = new Session();
    const outputs = session.runCell('a = 1\nb = 2\n3 + 4\n5;\nc = a + b');
    assert.deepEqual(outputs.map((o) => [o.kind, o.line]), [['value', 3], ['value', 5]]);
    // Two outputs: each names its statement (statementLabels.ts), an assignment by its line only.
    assert.equal((outputs[1] as Extract<CellOutput, { kind: 'value' }>).markdown, '*line 5* · `c` = `3`');
    assert.deepEqual(session.runCell('d = 4;'), []);
    assert.deepEqual(session.runCell('# only a comment'), []);
  });

  it('keeps the scope across runCell calls, functions included', () => {
    const session = new Session();
    session.runCell('x = 2; f(t) = t^2 + x');
    const outputs = session.runCell('y = f(3)');
    assert.equal(session.scope.get('y'), 11);
    assert.equal(outputs.length, 1);
    session.runCell('x = 10');
    assert.equal((session.runCell('f(1)')[0] as Extract<CellOutput, { kind: 'value' }>).summary.preview, '11');
  });

  it('lists variables with summaries, without functions', () => {
    const session = new Session();
    session.runCell('a = 1; m = [[1, 2], [3, 4]]; f(t) = t');
    const vars = session.variables();
    assert.deepEqual(vars.map((v) => v.name), ['a', 'm']);
    assert.deepEqual(vars[1].summary.shape, [2, 2]);
    assert.equal(vars[1].summary.mean, 2.5);
  });

  it('shows a loss result with its value, gradient shapes and fields', () => {
    const session = new Session();
    const [output] = session.runCell('r = qfl([[1.2, -0.3, 0.1]], [1], [0.8], {beta: 2})');
    assert.equal(output.kind, 'value');
    const markdown = (output as Extract<CellOutput, { kind: 'value' }>).markdown;
    assert.match(markdown, /^`r` = \*\*qfl\*\* loss = \*\*\d\.\d+\*\*/);
    assert.match(markdown, /`\.grad\.pred` \(1, 3\)/);
    assert.match(markdown, /fields: `\.per_element`/);
  });

  it('a figure is an output of its own kind with a markdown fallback', () => {
    const [output] = new Session().runCell('p = plot(s^2, s, 0, 1, {points: 3});');
    assert.equal(output.kind, 'figure');
    assert.equal((output as Extract<CellOutput, { kind: 'figure' }>).markdown, '*Figure*: 1 curve(s) of s ^ 2 over s ∈ [0, 1] (3 points)');
  });

  it('runs the statements after an error', () => {
    const session = new Session();
    const outputs = session.runCell('a = nope(1)\nb = 2');
    assert.deepEqual(outputs.map((o) => o.kind), ['error', 'value']);
    assert.equal(session.scope.get('b'), 2);
  });
});

describe('Session: error positions', () => {
  it('a syntax error on line 3 names line 3 and the column', () => {
    const error = onlyError(new Session(), 'a = 1\nb = 2\nc = (3 + * 4)');
    assert.equal(error.name, 'SyntaxError');
    assert.equal(error.line, 3);
    assert.equal(error.column, 10);
  });

  it('an unknown function points at its name and suggests the closest ones', () => {
    const error = onlyError(new Session(), 'x = 1\ny = 2\n  r = qlf([[1]], [0], [1])');
    assert.deepEqual([error.line, error.column], [3, 7]);
    assert.equal(error.message, "Undefined function qlf: did you mean 'qfl'?");
    const symbol = onlyError(new Session(), 'betta = 1\nbeta + 1');
    assert.ok(symbol.message.startsWith('Undefined symbol beta: did you mean'), symbol.message);
    assert.match(symbol.message, /'betta'/);
    const far = onlyError(new Session(), 'zzzzzz(1)');
    assert.equal(far.message, 'Undefined function zzzzzz');
  });

  it("a core InputError points at the LossLab call that rejected it", () => {
    const error = onlyError(new Session(), 'x = 1\n\n  y = 2 + qfl([[1, 2]], [5], [0.5])');
    assert.equal(error.name, 'InputError');
    assert.deepEqual([error.line, error.column], [3, 11]);
    // The index is the cell's 1-based position (label[1]); the class ids stay data, 0 to C − 1.
    assert.match(error.message, /label at index \[1\] should be integers in \[0, 2\], but is 5/);
    const nonFinite = onlyError(new Session(), 'focal([[NaN]], [[1]])');
    assert.match(nonFinite.message, /finite/);
  });
});

describe('Session: the element cap', () => {
  const cap = 1000;
  const session = new Session({ elementCap: cap });
  const cases: [string, string, number][] = [
    ['zeros(100, 100)', 'zeros(…)', 10_000],
    ['ones([40, 30])', 'ones(…)', 1200],
    ['identity(100)', 'identity(…)', 10_000],
    ['random([100000, 100000])', 'random(…)', 1e10],
    ['randomInt([2000, 2000], 0, 3)', 'randomInt(…)', 4e6],
    ['resize([1], [1e6])', 'resize(…)', 1e6],
  ];
  for (const [source, what, count] of cases) {
    it(`refuses ${source} before allocating`, () => {
      const error = onlyError(session, source);
      assert.equal(error.name, 'ElementCapError');
      assert.equal(error.message, capMessage(what, count, cap));
    });
  }

  it('refuses 1:1e9 and range(1, 1e9) without building them', () => {
    for (const source of ['1:1e9', 'range(1, 1e9)', 'x = 0:0.5:1e9']) {
      const error = onlyError(session, source);
      assert.equal(error.name, 'ElementCapError', source);
      assert.match(error.message, /^range\(…\) would hold [\d,]+ elements, more than the cap of 1,000/);
    }
  });

  it('refuses a result that exceeds the cap, before the product is built', () => {
    const error = onlyError(session, 'ones(40, 1) * ones(1, 40)');
    assert.equal(error.message, capMessage('multiply(…)', 1600, cap));
  });

  it('an assignment that would exceed it leaves the old value bound', () => {
    session.runCell('big = 5');
    const error = onlyError(session, 'big = concat(ones(800), ones(800))');
    assert.equal(error.message, capMessage('concat(…)', 1600, cap));
    assert.equal(session.scope.get('big'), 5);
    onlyError(session, 'fresh = ones(40, 1) * ones(1, 40)');
    assert.equal(session.scope.has('fresh'), false);
  });

  it('allows values up to the cap, and ranges stay inclusive and one-based', () => {
    const s = new Session({ elementCap: cap });
    assert.equal(errors(s.runCell('a = zeros(10, 100); b = 1:1000')).length, 0);
    s.runCell('v = 1:4');
    assert.deepEqual(s.runCell('v[2:3]').map((o) => (o.kind === 'value' ? o.summary.preview : o.kind)), ['[2, 3]']);
    assert.deepEqual(s.runCell('v[:]').map((o) => (o.kind === 'value' ? o.summary.shape : o.kind)), [[4]]);
    assert.deepEqual(s.runCell('range(1, 3)').map((o) => (o.kind === 'value' ? o.summary.preview : o.kind)), ['[1, 2, 3]']);
  });

  it('caps loss results too', () => {
    const s = new Session({ elementCap: 10 });
    const error = onlyError(s, 'r = sigmoid([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11])');
    assert.equal(error.name, 'ElementCapError');
  });
});

describe('Session: hostile values (issue 16)', () => {
  it('a spec-shaped object is a plain object, cycles and all, and prints as one', () => {
    const s = new Session();
    const outputs = s.runCell('t = {version: 1, kind: "table", columns: ["a"].toArray(), rows: [].toArray()}; t.me = t; t');
    assert.deepEqual(outputs.map((o) => o.kind), ['value']);
    const spec = s.runCell('u = {version: 1, kind: "heatmap", z: 5, columns: 3}\nu');
    assert.deepEqual(spec.map((o) => o.kind), ['value']);
  });

  it('a figure cannot be changed into a malformed one', () => {
    const s = new Session();
    const outputs = s.runCell('p = plot(sin(x), x, 0, 1); p.kind = "table"');
    const error = outputs.find((o) => o.kind === 'error');
    assert.ok(error?.kind === 'error');
    assert.match(error.message, /a figure cannot be changed/);
  });

  it('a notebook of many cells, each defining a name, journals instead of copying the scope', () => {
    // The cost of a cell must not grow with the scope: 2,000 names then one more cell.
    const s = new Session();
    for (let i = 0; i < 2000; i++) s.runCell(`v${i} = ${i}`);
    const outputs = s.runCell('w = v1999 + 1; bad = ones(2) * ones(3)');
    assert.equal(s.scope.get('w'), 2000);
    assert.equal(outputs.filter((o) => o.kind === 'error').length, 1);
    assert.equal(s.scope.has('bad'), false);
  });
});
