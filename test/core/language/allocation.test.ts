import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { costOf, shapeCost } from '../../../src/core/language/allocation';
import { Session, type CellOutput } from '../../../src/core/language/session';

/**
 * The allocation guard (issue 16), driven as a user drives it: through cells. The list of
 * functions is read from the session's own expression namespace at test time, so a function a new
 * mathjs adds is called with the same hostile sizes without being named here.
 */

const CAP = 100_000;

/** Hostile argument lists: sizes as numbers, BigNumbers and strings, zero dimensions, products of sizes, callbacks. */
const HOSTILE_ARGUMENTS: readonly string[] = [
  '1e9',
  '"1:1e9"',
  '1e5, 1e5',
  'bignumber(1e5), bignumber(1e5)',
  '0, 1e12',
  '1e12, 0',
  'v, v',
  'col, row',
  '[1e5, 1e5], one',
  'small, 1e9',
];

/**
 * Functions that compute a number in a loop as long as their argument's value (bellNumbers(1e9),
 * stirlingS2(1e9, 1e5)): they allocate nothing, and the kernel's time limit stops them. Called
 * here with small values only.
 */
const NUMBER_LOOPS: ReadonlySet<string> = new Set(['bellNumbers', 'stirlingS2', 'composition', 'catalan', 'permutations', 'combinations', 'combinationsWithRep', 'multinomial', 'factorial', 'gamma', 'lgamma', 'isPrime', 'primes', 'solveODE', 'zeta', 'bernoulli']);

/** The sweep's cap is smaller: mathjs takes a while to reject a large matrix it does not take. */
const SWEEP_CAP = 1000;

function session(): Session {
  const s = new Session({ elementCap: SWEEP_CAP });
  // v sits at the cap; col × row (40 × 30) is past it only as a product or a broadcast.
  const setup = s.runCell('v = ones(1000); small = [1, 2, 3]; col = ones(40, 1); row = ones(1, 30); one(i) = 1');
  assert.deepEqual(setup.filter((o) => o.kind === 'error'), []);
  return s;
}

function failures(outputs: readonly CellOutput[]): string[] {
  return outputs.flatMap((o) => (o.kind === 'error' ? [`${o.name}: ${o.message}`] : []));
}

describe('the allocation guard: every mathjs function with hostile sizes', () => {
  const s = session();
  const namespace = (s.math as unknown as { expression: { mathWithTransform: Record<string, unknown> } }).expression.mathWithTransform;
  const names = Object.keys(namespace).filter((name) => typeof namespace[name] === 'function' && !NUMBER_LOOPS.has(name));

  it('finds the whole namespace (a guard on a list would miss what is not on it)', () => {
    assert.ok(names.length > 200, `${names.length} functions`);
    for (const name of ['zeros', 'range', 'kron', 'diag', 'resize', 'matrixFromFunction', 'pickRandom', 'setPowerset']) assert.ok(names.includes(name), name);
  });

  for (const name of names) {
    it(`${name}(…) never makes a value past the cap`, () => {
      for (const args of HOSTILE_ARGUMENTS) {
        s.scope.delete('r_');
        const outputs = s.runCell(`r_ = ${name}(${args})`);
        const made = s.scope.get('r_');
        const cost = costOf(made, SWEEP_CAP);
        assert.ok(cost <= SWEEP_CAP, `${name}(${args}) made a value of cost ${cost} (${failures(outputs).join('; ')})`);
        const leaked = failures(outputs).filter((text) => /Invalid (array|typed array|string) length|Maximum call stack/.test(text));
        assert.deepEqual(leaked, [], `${name}(${args})`);
      }
    });
  }
});

describe('the allocation guard: methods, assignment and strings', () => {
  const cases: readonly [string, RegExp][] = [
    ['x = [1, 2]; x.resize([1e5, 1e5])', /^\.resize\(…\) would hold/],
    ['x = [1, 2]; x.resize([1e12, 0])', /^\.resize\(…\) would hold 1,000,000,000,000/],
    ['x = [1, 2]; x.reshape([0, 1e12])', /^\.reshape\(…\) would hold/],
    ['x = [1, 2]; x.set([1e5, 1e5], 1)', /^\.set\(…\) would hold/],
    ['x = [1, 2]; x[1e5, 1e5] = 1', /^\.subset\(…\) would hold/],
    ['x = [1, 2]; x.subset(index(1e9), 1)', /^\.subset\(…\) would hold/],
    ['a = [1, 2].toArray(); a[1e9] = 1', /would hold 1,000,000,000 elements/],
    ['s = "ab"; s[1e9] = "c"', /^subset\(…\) would hold 1,000,000,000/],
    ['a = [1, 2].toArray(); a.length = 1e9', /assigning to 'length' is not available/],
    ['a = [1, 2].toArray(); a["length"] = 1e9', /assigning to 'length' is not available/],
    ['s = "ab"\nfor_ = 0\ns = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s); s = concat(s, s)', /^concat\(…\) would hold 131,072 elements/],
    ['map(ones(100), f(x) = ones(2000))', /^map\(…\)'s callbacks have returned/],
    ['zeros(1e5, 1) + zeros(1, 1e5)', /^add\(…\) would hold 10,000,000,000/],
    ['compareNatural(ones(400, 1), ones(1, 400)) ', /would hold 160,000/],
    ['range(0, 1, 1e-12)', /^range\(…\) would hold/],
    ['range(bignumber(1), bignumber(1e9))', /^range\(…\) would hold/],
    ['format(bignumber(10)^1e9, {notation: "fixed"})', /^format\(…\) would hold 1,000,000,000/],
    ['quantileSeq(ones(10), 1e9)', /^quantileSeq\(…\) would hold/],
    ['nthRoots(2, 1e9)', /^nthRoots\(…\) would hold/],
    // Found by `npm run fuzz` (programs, seed 4829): mathjs loops over the extents it can compare before it reads the junk one.
    ['s = [Infinity, "ab"]; randomInt(s)', /^randomInt\(…\) would hold/],
    ['random([1e12, "ab"])', /^random\(…\) would hold/],
    ['zeros([1e12, "x"])', /^zeros\(…\) would hold/],
    // programs, seed 10936: det("") is "", which range reads as 0.
    ['(det("") : 2^31)', /^range\(…\) would hold/],
    ['range("", 1e9)', /^range\(…\) would hold/],
  ];
  for (const [source, message] of cases) {
    it(`refuses ${source.split('\n')[0].slice(0, 60)}`, () => {
      const s = new Session({ elementCap: CAP });
      const errors = s.runCell(source).filter((o) => o.kind === 'error');
      assert.equal(errors.length, 1, JSON.stringify(errors));
      const [error] = errors;
      assert.ok(error.kind === 'error');
      assert.match(error.message, message);
    });
  }

  it('keeps values up to the cap working (sizes as BigNumbers and strings included)', () => {
    const s = new Session({ elementCap: CAP });
    const outputs = s.runCell('a = zeros(bignumber(100), bignumber("1000")); b = range("1:1e5"); c = ones(300, 1) * ones(1, 300); d = kron(ones(300), ones(300)); e = diag(ones(300)); f = x = [1, 2]; x[100, 900] = 1; x');
    assert.deepEqual(failures(outputs), []);
    assert.equal(costOf(s.scope.get("x"), CAP), 90_000);
  });

  it("does not broadcast a LossLab function's arguments: qfl reads (n, C) scores beside (n) labels", () => {
    // n = 400: broadcasting (400, 2) against (400) would ask for 400 × 400 = 160,000 elements, over
    // the cap; qfl itself makes (400, 2) gradients.
    const s = new Session({ elementCap: CAP });
    const outputs = s.runCell('p = ones(400, 2); l = zeros(400); q = ones(400) / 2; r = qfl(p, l, q)');
    assert.deepEqual(failures(outputs), []);
    const outside = s.runCell('ones(400, 2) + ones(400, 1) * ones(1, 400)');
    assert.equal(outside.filter((o) => o.kind === 'error').length, 1, 'a mathjs elementwise call is still looked ahead');
  });

  it('a matrix changed through its toJSON() keeps working', () => {
    const s = new Session({ elementCap: CAP });
    const outputs = s.runCell('x = [1, 2; 3, 4]; j = x.toJSON(); j.size[1] = 5; j.size[2] = 7; y = x + 1');
    assert.deepEqual(failures(outputs), []);
    assert.deepEqual((s.scope.get('y') as { valueOf(): unknown }).valueOf(), [[2, 3], [4, 5]]);
  });
});

describe('the allocation guard: what callbacks return adds up while map builds its result', () => {
  const SMALL_CAP = 100_000;
  const refusal = (outputs: readonly CellOutput[]): CellOutput & { kind: 'error' } => {
    const errors = outputs.filter((o): o is CellOutput & { kind: 'error' } => o.kind === 'error');
    assert.equal(errors.length, 1, JSON.stringify(outputs));
    return errors[0];
  };
  /** The running total an error reports ("have returned 100,200 elements so far"). */
  const reported = (message: string): number => Number(/have returned ([\d,]+) elements so far/.exec(message)?.[1].replace(/,/g, '') ?? Number.NaN);

  it('temporaries inside a callback do not count: 10⁷ elements made, 200 kept', () => {
    const s = new Session({ elementCap: SMALL_CAP });
    // Each callback makes 5 × 10⁴ ones and keeps their sum: 200 × 5 × 10⁴ = 10⁷ elements made, 100 × the cap.
    const outputs = s.runCell('t = sum(map(ones(200), f(x) = sum(ones(5e4))))');
    assert.deepEqual(failures(outputs), []);
    assert.equal(s.scope.get('t'), 200 * 5e4);
    // A temporary that is indexed, or shrunk by a method, is taken too: 200 × 10⁴ made, 200 kept.
    assert.deepEqual(failures(s.runCell('i = sum(map(ones(200), f(x) = zeros(1e4)[1] + x))\nr = map(ones(200), f(x) = zeros(1e4).resize([2]))')), []);
    assert.equal(s.scope.get('i'), 200);
  });

  it('results that add up past the cap are refused as they pass it, not once the result is built', () => {
    const s = new Session({ elementCap: SMALL_CAP });
    // 10⁵ callbacks of 10³ elements each would be 10⁸ elements; the cap is passed at the 101st.
    assert.deepEqual(failures(s.runCell('v = ones(1e5)')), []);
    const error = refusal(s.runCell('map(v, f(x) = ones(1000))'));
    assert.equal(error.name, 'ElementCapError');
    assert.match(error.message, /^map\(…\)'s callbacks have returned [\d,]+ elements so far, more than the cap of 100,000 \(setting losslab\.kernel\.elementCap\)/);
    // Past the cap by at most one callback's result.
    const total = reported(error.message);
    assert.ok(total > SMALL_CAP && total <= SMALL_CAP + 1000, `reported ${total}`);
  });

  it('points at the map call, on its line and column', () => {
    const s = new Session({ elementCap: SMALL_CAP });
    const error = refusal(s.runCell('y = 1\nz = 2 + sum(map(ones(200), f(x) = zeros(1e4)))'));
    assert.deepEqual([error.line, error.column], [2, 13]);
  });

  it('nested maps add up through the outer one', () => {
    const s = new Session({ elementCap: SMALL_CAP });
    // Each inner map keeps 20 × 1000 = 2 × 10⁴, under the cap; five or six of them pass it.
    const error = refusal(s.runCell('map(ones(20), f(x) = map(ones(20), g(y) = zeros(1000)))'));
    assert.match(error.message, /^map\(…\)'s callbacks have returned/);
    assert.ok(reported(error.message) <= SMALL_CAP + 20 * 1000 + 20);
  });

  it('a named function as the callback, mapSlices and matrixFromFunction are held the same way', () => {
    for (const [source, fn] of [
      ['g(v) = concat(zeros(5000), [v])\nmap(ones(1e4), g)', 'map'],
      ['mapSlices(ones(1e4, 3), 2, f(r) = zeros(5000))', 'mapSlices'],
      ['matrixFromFunction([1e4], f(i) = zeros(5000))', 'matrixFromFunction'],
    ] as const) {
      const error = refusal(new Session({ elementCap: SMALL_CAP }).runCell(source));
      assert.match(error.message, new RegExp(`^${fn}\\(…\\)'s callbacks have returned`), source);
    }
  });

  it('forEach keeps nothing its callback returns, and a map under the cap still works', () => {
    const s = new Session({ elementCap: SMALL_CAP });
    assert.deepEqual(failures(s.runCell('forEach(ones(200), f(x) = zeros(1e4))')), []);
    assert.deepEqual(failures(s.runCell('m = map(ones(50), f(x) = ones(1000) * x)')), []);
    assert.deepEqual((s.scope.get('m') as { size(): number[] }).size(), [50]);
  });
});

describe('shapeCost and costOf', () => {
  it('a shape costs its elements, its rows at every depth and its longest extent', () => {
    assert.equal(shapeCost([3, 4]), 12);
    assert.equal(shapeCost([1e12, 0]), 1e12);
    assert.equal(shapeCost([0, 1e12]), 1e12);
    assert.equal(shapeCost([]), 0);
    assert.equal(shapeCost(new Array(100).fill(1)), Number.POSITIVE_INFINITY);
  });

  it('counts cycles once, holes in arrays, strings by length, and stops past the bound', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    cyclic.other = cyclic;
    assert.equal(costOf(cyclic, 1e9), 3 + 1);
    const holes: unknown[] = [];
    holes.length = 1e9;
    assert.ok(costOf(holes, 10) > 10);
    assert.equal(costOf('abcd', 10), 4);
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) deep = { deep };
    assert.ok(costOf(deep, 1000) > 1000);
  });
});
