import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCell } from '../../../src/core/language/analysis/diagnostics';
import { Session, type CellOutput } from '../../../src/core/language/session';

/**
 * The first hour of a PyTorch user: each NumPy/PyTorch habit written in a cell either works or is
 * an error that names the LossLab way, at the line and column of the habit.
 */

type ErrorOutput = Extract<CellOutput, { kind: 'error' }>;

function errorOf(source: string, session = new Session()): ErrorOutput {
  const outputs = session.runCell(source);
  const found = outputs.filter((o): o is ErrorOutput => o.kind === 'error');
  assert.equal(found.length, 1, `${source}: ${JSON.stringify(outputs)}`);
  return found[0];
}

/** The 1-based line and column of the first occurrence of `needle` in `source`. */
function positionOf(source: string, needle: string, from = 0): [number, number] {
  const at = source.indexOf(needle, from);
  assert.ok(at >= 0, `${needle} in ${source}`);
  const before = source.slice(0, at).split('\n');
  return [before.length, before[before.length - 1].length + 1];
}

const withMatrix = (): Session => {
  const session = new Session();
  session.runCell('x = [1, 2; 3, 4]');
  return session;
};

describe('PyTorch and NumPy habits', () => {
  it('x[0, 0]: positions start at 1, pointed at the 0', () => {
    const source = 'y = 1\nz = x[0, 0]';
    const error = errorOf(source, withMatrix());
    assert.match(error.message, /positions start at 1/);
    assert.match(error.message, /x\[1, 1\] is the first element/);
    assert.deepEqual([error.line, error.column], positionOf(source, '0, 0'));
    // The second index alone, and a slice from 0, point at their own 0.
    const second = 'x[1, 0]';
    assert.deepEqual([errorOf(second, withMatrix()).line, errorOf(second, withMatrix()).column], positionOf(second, '0'));
    assert.match(errorOf('x[0:1, 1]', withMatrix()).message, /positions start at 1/);
    assert.match(errorOf('v = [1, 2, 3]; v[0]').message, /positions start at 1/);
    // A single index on a matrix fails on dimensions first; a literal 0 still gets the hint.
    assert.match(errorOf('x[0]', withMatrix()).message, /positions start at 1/);
  });

  it('x[-1]: negative positions do not count from the end; end does', () => {
    const source = 'x[-1, 1]';
    const error = errorOf(source, withMatrix());
    assert.match(error.message, /does not count from the end: write end/);
    assert.deepEqual([error.line, error.column], positionOf(source, '-1'));
    const session = withMatrix();
    session.runCell('last = x[end, end]');
    assert.equal(session.scope.get('last'), 4);
  });

  it('1-based positions read what the same 0-based PyTorch index reads', () => {
    const session = withMatrix();
    // PyTorch x[1, 0] (second row, first column) is x[2, 1] here: 3.
    session.runCell('a = x[2, 1]');
    assert.equal(session.scope.get('a'), 3);
  });

  it('x.shape, x.T and x.mean(): the function to call instead', () => {
    const shape = errorOf('n = x.shape', withMatrix());
    assert.match(shape.message, /\.shape is PyTorch: write size\(x\)/);
    assert.deepEqual([shape.line, shape.column], positionOf('n = x.shape', '.shape'));
    assert.match(errorOf('x.T', withMatrix()).message, /write x' or transpose\(x\)/);
    assert.match(errorOf('x.mean()', withMatrix()).message, /\.mean\(\) is PyTorch: write mean\(x, …\)/);
    // size(x) itself is the answer the message gives.
    const session = withMatrix();
    session.runCell('s = size(x)');
    assert.deepEqual((session.scope.get('s') as { valueOf(): unknown }).valueOf(), [2, 2]);
  });

  it('x ** 2: write x ^ 2 or x .^ 2, pointed at the **', () => {
    for (const source of ['x ** 2', 'y = 1\nloss = (x + 1) ** 2']) {
      const error = errorOf(source, withMatrix());
      assert.match(error.message, /'\*\*' is not an operator in cells: write .* \^ 2 for a power, .* \.\^ 2 for each element/);
      assert.deepEqual([error.line, error.column], positionOf(source, '**'));
    }
    // A ** inside a string is text, not the operator.
    const session = new Session();
    assert.deepEqual(session.runCell('t = "a ** b"').filter((o) => o.kind === 'error'), []);
  });

  it('print("loss", r.loss) shows its values as an output, even after ; and mid-cell', () => {
    const session = new Session();
    const outputs = session.runCell('r = focal(0.3, 1); print("loss", r, 2.5); y = 1;\nprint("y is", y, [1, 2])');
    const shown = outputs.map((o) => (o.kind === 'value' ? o.summary.preview : o.kind));
    // focal(0.3, 1) = −α (1 − p)^γ log p with α = 0.25, γ = 2.
    const focal = -0.25 * 0.7 ** 2 * Math.log(0.3);
    assert.equal(shown.length, 2, JSON.stringify(outputs));
    assert.equal(shown[0], `loss ${String(Number(focal.toPrecision(6)))} 2.5`);
    assert.equal(shown[1], 'y is 1 [1, 2]');
    assert.deepEqual(outputs.map((o) => o.line), [1, 2]);
  });

  it('keyword arguments: options are an object; dimensions count from 1', () => {
    const source = 'p = softmax([1, 2; 3, 5], dim=1)';
    const error = errorOf(source);
    assert.match(error.message, /keyword arguments are not cell syntax; options are an object, the last argument: softmax\(…, \{dim: 2\}\)/);
    assert.deepEqual([error.line, error.column], positionOf(source, 'dim='));
    assert.match(errorOf('r = focal([[1]], [[1]], gamma=3)').message, /focal\(…, \{gamma: 3\}\)/);
    // mathjs's own functions take the dimension in order; the keyword would have assigned dim.
    const session = new Session();
    const sum = errorOf('s = sum([1, 2; 3, 4], dim=1)', session);
    assert.match(sum.message, /take their arguments in order: sum\(…, 2\)/);
    assert.equal(session.scope.has('dim'), false, 'the keyword assigned nothing');
  });

  it('softmax(z, {dim}) sums to 1 along that dimension, counted from 1', () => {
    const session = new Session();
    session.runCell('a = softmax([1, 2; 3, 5], {dim: 1}); b = softmax([1, 2; 3, 5], {dim: 2}); c = softmax([1, 2; 3, 5])');
    const value = (name: string): number[][] => (session.scope.get(name) as { valueOf(): number[][] }).valueOf();
    // By hand: columns (1, 3) and (2, 5); rows (1, 2) and (3, 5).
    const pair = (u: number, v: number): [number, number] => [1 / (1 + Math.exp(v - u)), 1 / (1 + Math.exp(u - v))];
    const [c1, c2] = [pair(1, 3), pair(2, 5)];
    const near = (got: number[][], want: number[][]): void => got.flat().forEach((g, i) => assert.ok(Math.abs(g - want.flat()[i]) < 1e-15, `${got} vs ${want}`));
    near(value('a'), [[c1[0], c2[0]], [c1[1], c2[1]]]);
    near(value('b'), [pair(1, 2), pair(3, 5)]);
    near(value('c'), value('b'));
    assert.match(errorOf('softmax([1, 2; 3, 5], {dim: 0})').message, /options.dim should be a dimension from 1 to 2 \(counted from 1: PyTorch's dim=1 is 2\), but is 0/);
  });

  it('True, False, None and len: the LossLab spelling', () => {
    const t = errorOf('ok = True');
    assert.match(t.message, /'True' is Python; in cells write true/);
    assert.deepEqual([t.line, t.column], positionOf('ok = True', 'True'));
    assert.match(errorOf('False').message, /write false/);
    assert.match(errorOf('r = focal([[1]], [[1]], None)').message, /'None' is Python; in cells write null — or leave the argument out/);
    const len = errorOf('n = len(x)', withMatrix());
    assert.match(len.message, /'len' is Python; in cells write size\(x\)\[1\] for the number of rows/);
    assert.deepEqual([len.line, len.column], positionOf('n = len(x)', 'len'));
  });

  it('np., torch. and F. prefixes: the function by its name', () => {
    const cases: [string, RegExp][] = [
      ['y = np.exp(x)', /np\.exp\(…\): cells have no module prefixes \(np\.\).*write exp\(…\)/],
      ['torch.sigmoid(x)', /write sigmoid\(…\)/],
      ['F.softmax(x, dim=1)', /F\.softmax\(…\): cells have no module prefixes/],
      ['torch.nn.functional.softplus(x)', /torch\.nn\.functional\.softplus\(…\).*write softplus\(…\)/],
      ['t = torch.tensor([1, 2])', /write a matrix literal/],
      ['np.pi', /write pi$/],
      ['np.nosuchthing(x)', /LossLab has no 'nosuchthing'/],
    ];
    for (const [source, want] of cases) {
      const error = errorOf(source, withMatrix());
      assert.match(error.message, want, source);
      const prefix = /\b(np|torch|F)\./.exec(source)?.[1] ?? '';
      assert.deepEqual([error.line, error.column], positionOf(source, `${prefix}.`), source);
    }
    // A variable of that name is a value, and its fields are read as usual.
    const session = new Session();
    session.runCell('np = {pi: 3}');
    session.runCell('a = np.pi');
    assert.equal(session.scope.get('a'), 3);
    session.runCell('f(F) = F.w * 2; b = f({w: 4})');
    assert.equal(session.scope.get('b'), 8);
  });
});

describe('messages that were wrong', () => {
  it("qfl(0.5 0.3) says that ',' or ')' is expected", () => {
    const error = errorOf('qfl(0.5 0.3)');
    assert.match(error.message, /',' or '\)' expected in the arguments of qfl\(…\)/);
    assert.deepEqual([error.line, error.column], [1, 9]);
    // Outside a call mathjs's message stands.
    assert.match(errorOf('(0.5 0.3)').message, /Parenthesis \) expected/);
  });

  it('1:10000005 counts its 10,000,005 elements, inclusive, as the cap says', () => {
    assert.match(errorOf('1:10000005').message, /would hold 10,000,005 elements/);
    assert.match(errorOf('range(1, 10000005)').message, /would hold 10,000,005 elements/);
    // At the cap exactly, a range fits: 1:n holds n elements.
    const session = new Session({ elementCap: 10 });
    assert.deepEqual(session.runCell('v = 1:10;').filter((o) => o.kind === 'error'), []);
    assert.match(errorOf('1:11', session).message, /would hold 11 elements/);
    assert.match(errorOf('0:0.5:5.5', session).message, /would hold 12 elements/);
    assert.deepEqual(session.runCell('w = 5:1;').filter((o) => o.kind === 'error'), [], 'an empty range holds nothing');
  });

  it("focal(0.3, 1, {gamma: 2}) is the scalar form with γ = 2, as the editor's quick fix writes it", () => {
    const session = new Session();
    session.runCell('a = focal(0.3, 1, {gamma: 3}); b = focal(0.3, 1, 0.25, 3); c = qfl(0.4, 0.9, {beta: 1}); d = triplet(1, 0.5, {margin: 0.2})');
    // −α (1 − p)^γ log p; |y − σ|·BCE; max(d_ap − d_an + margin, 0).
    assert.equal(session.scope.get('a'), session.scope.get('b'));
    assert.ok(Math.abs((session.scope.get('a') as number) - -0.25 * 0.7 ** 3 * Math.log(0.3)) < 1e-15);
    assert.ok(Math.abs((session.scope.get('c') as number) - 0.5 * -(0.9 * Math.log(0.4) + 0.1 * Math.log(0.6))) < 1e-15);
    assert.ok(Math.abs((session.scope.get('d') as number) - 0.7) < 1e-15);
    assert.match(errorOf('focal(0.3, 1, {reduction: "sum"})').message, /option 'reduction' is not one of the scalar form's \(alpha, gamma\)/);
    assert.match(errorOf('focal(0.3, 1, 0.5, {alpha: 0.3})').message, /alpha is given twice/);
    // And grad differentiates through it: d/dp of −α (1 − p)^γ log p.
    const [p, alpha, gamma] = [0.3, 0.25, 3];
    const want = alpha * gamma * (1 - p) ** (gamma - 1) * Math.log(p) - (alpha * (1 - p) ** gamma) / p;
    session.runCell('dp = grad(focal(q, 1, {gamma: 3}), q, 0.3)');
    assert.ok(Math.abs((session.scope.get('dp') as number) - want) < 1e-12, `${session.scope.get('dp')} vs ${want}`);
  });
});

describe('the editor says what the runtime says', () => {
  for (const source of ['y = x ** 2', 'qfl(0.5 0.3)', 'p = softmax(x, dim=1)', 'sum(x, axis=0)', 'y = np.exp(x)', 'torch.nn.functional.softplus(x)']) {
    it(JSON.stringify(source), () => {
      const runtime = errorOf(source, withMatrix());
      const editor = validateCell(source, ['x = [1, 2; 3, 4]']);
      assert.equal(editor.length, 1, JSON.stringify(editor));
      assert.equal(editor[0].message, runtime.message.replace(/\s*\(char \d+\)$/, ''));
      // The diagnostic starts where the runtime's error points.
      assert.deepEqual(positionOf(source, source.slice(editor[0].start, editor[0].end)), [runtime.line, runtime.column]);
    });
  }
});

describe('a hostile cell that runs the stack out', () => {
  it('says that brackets nested 100,000 deep are more than the parser follows, in the session and the editor alike', () => {
    const n = 100_000;
    const text = `${'('.repeat(n)}1${')'.repeat(n)}`;
    const [output] = new Session().runCell(`x = 1\n${text}`);
    assert.equal(output.kind, 'error');
    assert.match(output.kind === 'error' ? output.message : '', /nests brackets 100000 deep, more than the parser can follow/);
    assert.equal(output.kind === 'error' ? output.line : 0, 2);
    const [diagnostic] = validateCell(text);
    assert.match(diagnostic.message, /nests brackets 100000 deep/);
  });

  it('says that a function called itself too many times when the nesting is shallow', () => {
    const outputs = new Session().runCell('deep(n) = n == 0 ? 0 : 1 + deep(n - 1)\ndeep(1e6)');
    const error = outputs.find((o) => o.kind === 'error');
    assert.match(error?.kind === 'error' ? error.message : '', /called itself too many times/);
  });
});

describe('errors of a cell with thousands of statements', () => {
  it('name the line of each, counted from the statement (the same as counting from the top)', () => {
    const n = 20_000;
    const outputs = new Session().runCell(Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `a${i} = ${i}` : `  b${i} = ${i} +`)).join('\n'));
    const errors = outputs.filter((o) => o.kind === 'error');
    assert.equal(errors.length, n / 2);
    // mathjs points past the end of `b1 = 1 +`: the column after its last character, on line 2.
    for (const [k, error] of [[0, errors[0]], [n / 2 - 1, errors[n / 2 - 1]]] as const) {
      const i = 2 * k + 1;
      assert.deepEqual(error.kind === 'error' ? [error.line, error.column] : [], [i + 1, `  b${i} = ${i} +`.length + 1], `statement ${i}`);
    }
  });
});
