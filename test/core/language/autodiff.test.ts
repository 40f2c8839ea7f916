import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { differentiate, DifferentiationError, type DiffEnvironment } from '../../../src/core/language/autodiff';
import { createSandbox } from '../../../src/core/language/sandbox';
import { Session } from '../../../src/core/language/session';
import { assertClose } from '../../helpers/gradcheck';

/** grad(expr, x, at) run as a cell; fails on an error output. */
function gradOf(session: Session, expr: string, variable: string, at: number): number {
  const outputs = session.runCell(`g_ = grad(${expr}, ${variable}, ${at})`);
  const error = outputs.find((o) => o.kind === 'error');
  assert.equal(error, undefined, JSON.stringify(error));
  return session.scope.get('g_') as number;
}

/** The value of an expression with one variable bound, computed by mathjs itself. */
function valueAt(session: Session, expr: string, variable: string, at: number): number {
  const saved = session.scope.get(variable);
  session.scope.set(variable, at);
  session.runCell(`v_ = ${expr}`);
  if (saved === undefined) session.scope.delete(variable);
  else session.scope.set(variable, saved);
  return session.scope.get('v_') as number;
}

/** Central finite difference of the cell value, an independent reference for every rule. */
function centralDifference(session: Session, expr: string, variable: string, at: number, h = 1e-6): number {
  const step = h * Math.max(1, Math.abs(at));
  return (valueAt(session, expr, variable, at + step) - valueAt(session, expr, variable, at - step)) / (2 * step);
}

const close = (got: number, want: number, tol = 1e-9): void => {
  assert.ok(Math.abs(got - want) <= tol * (1 + Math.abs(want)), `got ${got}, want ${want}`);
};

describe('grad: closed forms', () => {
  const session = new Session();
  it('powers, products and quotients', () => {
    assert.equal(gradOf(session, 'x^3', 'x', 2), 12);
    close(gradOf(session, 'x * sin(x)', 'x', 1), Math.sin(1) + Math.cos(1));
    close(gradOf(session, '1 / (1 + x^2)', 'x', 2), -4 / 25);
    close(gradOf(session, 'sqrt(x)', 'x', 4), 0.25);
    close(gradOf(session, 'x ^ x', 'x', 2), 4 * (Math.log(2) + 1));
  });

  it('pow with a variable exponent', () => {
    session.runCell('b = 2');
    close(gradOf(session, 'b ^ y', 'y', 3), 8 * Math.log(2));
    close(gradOf(session, 'pow(b, y)', 'y', 3), 8 * Math.log(2));
    close(gradOf(session, 'exp(y * log(b))', 'y', 3), 8 * Math.log(2));
  });

  it('log with a base, as argument and as base', () => {
    close(gradOf(session, 'log(x, 2)', 'x', 8), 1 / (8 * Math.log(2)));
    close(gradOf(session, 'log(8, x)', 'x', 2), -Math.log(8) / (2 * Math.log(2) ** 2));
    close(gradOf(session, 'log10(x) + log2(x) + log1p(x)', 'x', 3), 1 / (3 * Math.LN10) + 1 / (3 * Math.LN2) + 1 / 4);
  });

  it('conditionals pick the branch, comparisons are flat', () => {
    session.runCell('f(t) = t > 0 ? t^2 : -t');
    assert.equal(gradOf(session, 'f(x)', 'x', 3), 6);
    assert.equal(gradOf(session, 'f(x)', 'x', -2), -1);
    assert.equal(gradOf(session, '(x > 1) * 5 + x', 'x', 3), 1);
    assert.equal(gradOf(session, 'max(x, 1)', 'x', 2), 1);
    assert.equal(gradOf(session, 'max(x, 1)', 'x', 0), 0);
    assert.equal(gradOf(session, 'min(x, 1)', 'x', 0), 1);
    assert.equal(gradOf(session, 'abs(x)', 'x', -3), -1);
  });

  it('through user functions, nested, with free variables and constants from the scope', () => {
    session.runCell('a = 3; sq(t) = t^2; g(t) = sq(t) * a + sq(2)');
    assert.equal(gradOf(session, 'g(x)', 'x', 2), 12);
    session.runCell('h(t) = t * z');
    // z is free in h's body: d/dz h(2) = 2.
    assert.equal(gradOf(session, 'h(2)', 'z', 5), 2);
    session.runCell('k(t, u) = t^2 * u');
    assert.equal(gradOf(session, 'k(x, x)', 'x', 2), 12);
  });

  it('a variable that replaces a function hides it from grad', () => {
    const s = new Session();
    s.runCell('q(t) = t^2');
    assert.equal(gradOf(s, 'q(x)', 'x', 3), 6);
    const outputs = s.runCell('q = 5\ngrad(q * x, x, 3)');
    assert.equal(outputs[outputs.length - 1].kind, 'value');
    assert.equal(gradOf(s, 'q * x', 'x', 3), 5);
  });

  it('uses the variable in scope when no point is given', () => {
    const s = new Session();
    s.runCell('x = 2');
    s.runCell('d = grad(x^3, x)');
    assert.equal(s.scope.get('d'), 12);
    assert.equal(s.scope.get('x'), 2, 'grad does not rebind the variable');
  });
});

describe('grad: scalar losses against hand-derived formulas', () => {
  const session = new Session();

  it('qfl(s, y, β): ∂/∂σ = BCE′·|y−σ|^β + BCE·β·|y−σ|^(β−1)·sign(σ−y)', () => {
    for (const [s, y, beta] of [[0.6, 0.3, 2], [0.2, 0.9, 1.5], [0.7, 0.7, 2], [0.4, 0, 0.5], [0.99, 1, 3]]) {
      const bce = -y * Math.log(s) - (1 - y) * Math.log(1 - s);
      const u = Math.abs(y - s);
      const want = (-y / s + (1 - y) / (1 - s)) * u ** beta + (u === 0 ? 0 : bce * beta * u ** (beta - 1) * Math.sign(s - y));
      close(gradOf(session, `qfl(s, ${y}, ${beta})`, 's', s), want, 1e-10);
      if (u !== 0) close(gradOf(session, `qfl(s, ${y}, ${beta})`, 's', s), centralDifference(session, `qfl(s, ${y}, ${beta})`, 's', s), 1e-6);
    }
  });

  it('qfl: the target and β partials match finite differences', () => {
    close(gradOf(session, 'qfl(0.6, y, 2)', 'y', 0.3), centralDifference(session, 'qfl(0.6, y, 2)', 'y', 0.3), 1e-6);
    close(gradOf(session, 'qfl(0.6, 0.3, b)', 'b', 1.7), centralDifference(session, 'qfl(0.6, 0.3, b)', 'b', 1.7), 1e-6);
    // ∂/∂β = loss·log|y − σ|.
    const value = valueAt(session, 'qfl(0.6, 0.3, b)', 'b', 1.7);
    close(gradOf(session, 'qfl(0.6, 0.3, b)', 'b', 1.7), value * Math.log(0.3), 1e-12);
  });

  it('focal(p, y, α, γ): ∂/∂p against the closed form and finite differences', () => {
    for (const [p, y, alpha, gamma] of [[0.3, 1, 0.25, 2], [0.8, 0, 0.25, 2], [0.6, 1, -1, 0]]) {
      const pt = p * y + (1 - p) * (1 - y);
      const at = alpha < 0 ? 1 : alpha * y + (1 - alpha) * (1 - y);
      const dpt = 2 * y - 1;
      // loss = −α_t (1 − p_t)^γ log p_t.
      const want = -at * (-gamma * (1 - pt) ** (gamma - 1) * dpt * Math.log(pt) + (1 - pt) ** gamma * dpt / pt);
      const expr = `focal(p, ${y}, ${alpha}, ${gamma})`;
      close(gradOf(session, expr, 'p', p), want, 1e-10);
      close(gradOf(session, expr, 'p', p), centralDifference(session, expr, 'p', p), 1e-6);
    }
  });

  it('dfl(z, y): ∂/∂y = z_left − z_right between two bins', () => {
    session.runCell('z = [0.5, 2, -1, 0.3]');
    close(gradOf(session, 'dfl(z, y)', 'y', 1.3), 2 - -1, 1e-12);
    close(gradOf(session, 'dfl(z, y)', 'y', 1.3), centralDifference(session, 'dfl(z, y)', 'y', 1.3), 1e-6);
  });

  it('arcface_logit, triplet_hinge and the activations', () => {
    close(gradOf(session, 'arcface_logit(t, 0.5)', 't', 1), -Math.sin(1.5), 1e-15);
    close(gradOf(session, 'arcface_logit(1, m)', 'm', 0.5), -Math.sin(1.5), 1e-15);
    assert.equal(gradOf(session, 'triplet_hinge(d, 1, 0.5)', 'd', 2), 1);
    assert.equal(gradOf(session, 'triplet_hinge(1, d, 0.5)', 'd', 1.2), -1);
    assert.equal(gradOf(session, 'triplet_hinge(d, 3, 0.5)', 'd', 1), 0);
    const sig = (x: number): number => 1 / (1 + Math.exp(-x));
    close(gradOf(session, 'sigmoid(x)', 'x', 0.7), sig(0.7) * (1 - sig(0.7)), 1e-15);
    close(gradOf(session, 'softplus(x)', 'x', 0.7), sig(0.7), 1e-15);
    close(gradOf(session, 'logsigmoid(x)', 'x', 0.7), 1 - sig(0.7), 1e-15);
    // Stable at ±1000: the slopes are the limits, never NaN.
    assert.equal(gradOf(session, 'softplus(x)', 'x', 1000), 1);
    assert.equal(gradOf(session, 'logsigmoid(x)', 'x', -1000), 1);
    assert.equal(gradOf(session, 'sigmoid(x)', 'x', 1000), 0);
  });
});

describe('grad: refusals', () => {
  const session = new Session();
  const errorOf = (source: string): string => {
    const outputs = session.runCell(source);
    const last = outputs[outputs.length - 1];
    assert.equal(last.kind, 'error', source);
    return last.kind === 'error' ? `${last.name}: ${last.message}` : '';
  };
  it('says why, instead of returning a wrong zero', () => {
    assert.match(errorOf('grad(focal(0.3, y), y, 1)'), /DifferentiationError: grad: focal is not differentiable with respect to argument 2/);
    assert.match(errorOf('grad(gamma(x), x, 2)'), /DifferentiationError: grad: the function 'gamma' has no derivative rule/);
    assert.match(errorOf('grad([x, x], x, 2)'), /DifferentiationError/);
    assert.match(errorOf('grad(x^2, 3, 2)'), /grad: variable should be a variable name/);
    assert.match(errorOf('grad(w^2, w)'), /define w first/);
  });
});

describe('differentiate (direct API)', () => {
  const { parse } = createSandbox();
  const env = (scope: Map<string, unknown>): DiffEnvironment => ({
    lookup: (name) => scope.get(name),
    userFunction: () => undefined,
    evaluateConstant: (node, locals) => node.compile().evaluate(new Map([...scope, ...locals])) as unknown,
  });

  it('returns the value and the derivative at the point', () => {
    const dual = differentiate(parse('c * x^2 + 1'), 'x', 3, env(new Map([['c', 2]])));
    assert.deepEqual(dual, { v: 19, d: 12 });
  });

  it('throws DifferentiationError for a non-scalar expression', () => {
    assert.throws(() => differentiate(parse('[x, 1]'), 'x', 1, env(new Map())), DifferentiationError);
  });

  it('matches central finite differences on random expression trees (property)', () => {
    const leaf = fc.oneof(fc.constant('x'), fc.constant('x'), fc.integer({ min: 1, max: 4 }).map(String));
    const expr = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
        fc.tuple(tie('e'), tie('e')).map(([a, b]) => `(${a}) / (2 + (${b})^2)`),
        fc.tuple(fc.constantFrom('sin', 'cos', 'tanh', 'atan', 'exp', 'sigmoid', 'softplus'), tie('e')).map(([f, a]) => `${f}(${a} / 4)`),
        tie('e').map((a) => `log(1 + (${a})^2)`),
        tie('e').map((a) => `sqrt(1 + (${a})^2)`),
        tie('e').map((a) => `(${a})^3`),
      ),
    })).e;
    const session = new Session();
    fc.assert(
      fc.property(expr, fc.double({ min: -1.5, max: 1.5, noNaN: true }), (text, x) => {
        const d = gradOf(session, text, 'x', x);
        const fd = centralDifference(session, text, 'x', x, 1e-5);
        assertClose(`d/dx ${text} at ${x}`, Float64Array.of(d), Float64Array.of(fd), { atol: 1e-6, rtol: 1e-5 });
      }),
      { numRuns: 120 },
    );
  });
});

describe('grad: only its own derivative table (issue 16)', () => {
  // Every name Object.prototype carries: none may be taken for a derivative rule.
  const inherited = Object.getOwnPropertyNames(Object.prototype).filter((name) => /^[A-Za-z_]\w*$/.test(name) && !['constructor', '__proto__'].includes(name));
  for (const name of [...inherited, 'valueOf', 'toLocaleString', 'isPrototypeOf', 'propertyIsEnumerable']) {
    it(`grad(${name}(x), x, 1) names the function it cannot differentiate`, () => {
      const outputs = new Session().runCell(`grad(${name}(x), x, 1)`);
      const error = outputs.find((o) => o.kind === 'error');
      assert.ok(error !== undefined && error.kind === 'error', JSON.stringify(outputs));
      assert.equal(error.name, 'DifferentiationError');
      assert.match(error.message, new RegExp(`the function '${name}' has no derivative rule, so grad cannot differentiate it`));
    });
  }

  it('an operator named like an Object.prototype member is no comparison', () => {
    const outputs = new Session().runCell('f(x) = toString(x) + x\ngrad(f(x), x, 2)');
    const error = outputs.find((o) => o.kind === 'error');
    assert.ok(error !== undefined && error.kind === 'error');
    assert.match(error.message, /toString/);
  });
});
