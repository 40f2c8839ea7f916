import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCell, type CellDiagnostic } from '../../../../src/core/language/analysis/diagnostics';
import { BUILTINS, isFigureRoom } from '../../../../src/core/language/builtins';
import { Session } from '../../../../src/core/language/session';

/** A diagnostic as [code, underlined text, message]. */
const shown = (text: string, d: CellDiagnostic): [string, string, string] => [d.code, text.slice(d.start, d.end), d.message];
const check = (text: string, earlier: string[] = []): [string, string, string][] => validateCell(text, earlier).map((d) => shown(text, d));

/** Applies a diagnostic's first quick fix. */
function fixed(text: string, d: CellDiagnostic): string {
  const fix = d.fixes[0];
  assert.ok(fix !== undefined, `no fix for ${d.message}`);
  return text.slice(0, fix.start) + fix.newText + text.slice(fix.end);
}

describe('diagnostics: valid cells', () => {
  for (const fn of BUILTINS) {
    it(`the example of ${fn.name} has none`, () => assert.deepEqual(check(fn.example), []));
  }

  it('a notebook-like cell with definitions, comments, strings and figures has none', () => {
    const cell = [
      '# QFL against its target',
      'f(s, y) = qfl(s, y, 2)',
      "p = plot(f(s, 0.5), s, 0, 1, {points: 51, grad: true, over: {beta: [1, 2]}, title: 'qfl(s'})",
      'h = heatmap(qfl(s, y), s, 0, 1, y, 0, 1, {diagonal: true, sliders: {b: slider(0, 4, 0.1)}})',
      'm = [1, 2; 3, 4]; t = m\'',
      'g = grad(f(s, 0.3), s, 0.2)',
      'table({loss: [1, 2], iou: [0.5, 0.2]}, {k: 1, by: "loss"})',
      'r = focal([[2, -1]], [[1, 0]], {"gamma": 0, reduction: \'sum\'}); r.grad.pred',
      'x = 5 mod (3) + sum(1:3)',
    ].join('\n');
    assert.deepEqual(check(cell), []);
  });

  it('names defined in earlier cells are not unknown', () => {
    assert.deepEqual(check('y = h(3) + w', ['h(z) = z + 1', 'w = 2']), []);
    assert.deepEqual(check('y = g(3)', ['g = sigmoid']), [], 'a variable may hold a function');
  });

  it('a function definition’s parameters may be called in its body', () => {
    assert.deepEqual(check('apply(k, x) = k(x)'), []);
  });
});

describe('diagnostics: each kind, with its range and message', () => {
  it('parse errors at mathjs’s position, without the (char n) suffix', () => {
    assert.deepEqual(check('x = 1\ny = (2 + 3'), [['parse-error', '3', 'Parenthesis ) expected']]);
    assert.deepEqual(check('y = 2 +'), [['parse-error', '+', 'Unexpected end of expression']]);
    assert.deepEqual(check('qfl(a, {beta 2})'), [['parse-error', '}', 'Colon : expected after object key']]);
    assert.deepEqual(check('v = [1, 2'), [['parse-error', '2', 'End of matrix ] expected']]);
  });

  it('unknown functions, with a did-you-mean and its quick fix', () => {
    const text = 'r = qlf(p, y)';
    const [d] = validateCell(text);
    assert.deepEqual(shown(text, d), ['unknown-function', 'qlf', "Unknown function 'qlf': did you mean 'qfl'?"]);
    assert.equal(d.severity, 'error');
    assert.equal(fixed(text, d), 'r = qfl(p, y)');
    assert.deepEqual(check('r = frobnicate(1)'), [['unknown-function', 'frobnicate', "Unknown function 'frobnicate': not a LossLab or mathjs function, nor one defined in an earlier cell"]]);
  });

  it('suggests user functions from earlier cells', () => {
    const text = 'myloss2(1)';
    const [d] = validateCell(text, ['myloss(x) = x^2']);
    assert.equal(d.message, "Unknown function 'myloss2': did you mean 'myloss'?");
    assert.equal(fixed(text, d), 'myloss(1)');
  });

  it('too few arguments underline the name; too many underline the extra ones', () => {
    const signatures = BUILTINS.find((f) => f.name === 'arcface')?.signatures.join(' or ');
    assert.deepEqual(check('arcface(x, W)'), [['argument-count', 'arcface', `arcface takes 3 or 4 arguments, got 2: ${signatures}`]]);
    assert.deepEqual(check('softmax([1], {dim: 1}, 3)'), [['argument-count', '3', 'softmax takes 1 or 2 arguments, got 3: softmax(z, {dim})']]);
    assert.deepEqual(check('integral()'), [['argument-count', 'integral', 'integral takes 1 argument, got 0: integral(pred)']]);
    assert.equal(check('heatmap(m, 1, 2)')[0][2].split(':')[0], 'heatmap takes 1, 2, 7 or 8 arguments, got 3');
    assert.equal(check('plot(s, s, 0)')[0][2].split(':')[0], 'plot takes 4 or 5 arguments, got 3');
    assert.equal(check('focal(1)')[0][2].split(':')[0], 'focal takes 2 to 4 arguments, got 1');
    assert.deepEqual(check('f(a, b) = a + b\nf(1)'), [['argument-count', 'f', 'f takes 2 arguments, got 1: f(a, b)']]);
  });

  it('does not count the arguments of a call that does not parse yet', () => {
    assert.deepEqual(check('qfl(1,').map((d) => d[0]), ['parse-error']);
  });

  it('unknown option keys, with the valid ones and a quick fix', () => {
    const text = 'r = qfl(p, l, s, {bta: 2})';
    const [d] = validateCell(text);
    assert.deepEqual(shown(text, d), ['unknown-option', 'bta', "Unknown option 'bta' for qfl: did you mean 'beta'? Options: beta, activated, background, precision, reduction, weight, avg_factor"]);
    assert.equal(fixed(text, d), 'r = qfl(p, l, s, {beta: 2})');
    const quoted = "hist(v, {'binz': 3})";
    const [q] = validateCell(quoted);
    assert.equal(fixed(quoted, q), "hist(v, {'bins': 3})");
    assert.deepEqual(check('census(e, l, 0.3)\ntriplet(a, p, n, {zzz: 1})').map((x) => x.slice(0, 2)), [['unknown-option', 'zzz']]);
  });

  it('option values outside the allowed strings, with a fix that keeps the quotes', () => {
    const text = "giou(a, b, {reduction: 'summ'})";
    const [d] = validateCell(text);
    assert.deepEqual(shown(text, d), ['invalid-option-value', "'summ'", 'Option \'reduction\' of giou must be one of "none", "mean", "sum", not "summ"']);
    assert.equal(fixed(text, d), "giou(a, b, {reduction: 'sum'})");
  });

  it('does not check keys of objects that are data or values', () => {
    assert.deepEqual(check('table({a: [1], b: [2]})'), []);
    assert.deepEqual(check('plot(qfl(s, b), s, 0, 1, {sliders: {b: [0, 4]}})'), []);
    assert.deepEqual(check('o = {anything: 1}'), []);
  });

  it('names that cells may not use', () => {
    assert.deepEqual(check('evaluate("1 + 1")'), [['blocked-name', 'evaluate', 'evaluate() is disabled in LossLab cells']]);
    assert.deepEqual(check('x = config'), [['blocked-name', 'config', "'config' is not available in LossLab cells"]]);
  });

  it('positions are offsets in the whole cell, across lines', () => {
    const text = 'a = 1\n\n  b = softmx(a)';
    const [d] = validateCell(text);
    assert.deepEqual([d.start, d.end], [text.indexOf('softmx'), text.indexOf('softmx') + 6]);
  });
});

describe('diagnostics agree with running the cell', () => {
  const runError = (text: string): string | undefined => {
    const outputs = new Session().runCell(text);
    const error = outputs.find((o) => o.kind === 'error');
    return error?.kind === 'error' ? error.message : undefined;
  };

  for (const text of ['qlf(1, 2)', 'qfl(0.5)', 'softmax([1], [2], [3])', 'qfl([[1, 2]], [1], [0.5], {bta: 2})', 'f(a, b) = a + b\nf(1)', 'x = (1']) {
    it(`${JSON.stringify(text)} is flagged and fails when run`, () => {
      assert.ok(validateCell(text).length > 0);
      assert.ok(runError(text) !== undefined);
    });
  }

  for (const fn of BUILTINS.filter((f) => isFigureRoom(f.room) && f.options.length > 0)) {
    it(`${fn.name}'s documented options are exactly the ones it accepts`, () => {
      const call: Record<string, string> = {
        plot: 'plot(s, s, 0, 1, {OPT})',
        heatmap: 'heatmap([[1, 2]], {OPT})',
        dist: 'dist([1, 2], {OPT})',
        hist: 'hist([1, 2], {OPT})',
        scatter: 'scatter([[1, 2]], {OPT})',
        table: 'table([[1, 2]], {OPT})',
        margins_plot: 'margins_plot({OPT})',
        anchor_map: 'anchor_map([1, 2], [1, 2], {OPT})',
        assignment_map: 'assignment_map(1, 1, {OPT})',
        worst_anchors: 'worst_anchors({per_anchor: {cls: [1], bbox: [1], dfl: [1]}, score: [1], weight: [1]}, {OPT})',
        sides: 'sides(1, 1, {OPT})',
        calibration: 'calibration(1, 1, {OPT})',
        angle_hist: 'angle_hist(1, 1, 1, {OPT})',
        centre_similarity: 'centre_similarity([[1, 2]], {OPT})',
        class_distances: 'class_distances([[1, 2]], [0], {OPT})',
        triplet_projection: 'triplet_projection([[1, 2]], [0], {OPT})',
      };
      const message = runError(call[fn.name].replace('OPT', 'no_such_option: 1')) ?? '';
      const listed = /known options \(([^)]*)\)/.exec(message)?.[1];
      assert.deepEqual(listed?.split(', ').sort(), fn.options.map((o) => o.key).sort(), message);
    });
  }
});

describe('every function a session defines is known', () => {
  it('no call of a figure function is flagged as unknown, documented or not', async () => {
    for (const name of new Session().figureFunctionNames) {
      assert.deepEqual(validateCell(`${name}(1)`).filter((d) => d.code === 'unknown-function'), [], name);
    }
  });
});
