import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completeAt, type CompletionEntry } from '../../../../src/core/language/analysis/completion';
import { BUILTINS_BY_NAME } from '../../../../src/core/language/builtins';
import { cursor } from './cursor';

function complete(marked: string, earlier: string[] = []): { labels: string[]; items: readonly CompletionEntry[]; start: number; end: number } {
  const { text, offset } = cursor(marked);
  const result = completeAt(text, offset, earlier);
  return { labels: result.items.map((i) => i.label), items: result.items, start: result.start, end: result.end };
}

const item = (marked: string, label: string, earlier: string[] = []): CompletionEntry | undefined => complete(marked, earlier).items.find((i) => i.label === label);

describe('completion: functions and variables', () => {
  for (const marked of ['|', 'r = |', 'r = q|', 'x = 1\nr = qfl(|', 'r = qfl(x, |)', 'r = [1, |]', 'r = 2 * (|']) {
    it(`offers LossLab, figure and mathjs functions at ${JSON.stringify(marked)}`, () => {
      const { labels } = complete(marked);
      for (const name of ['qfl', 'focal', 'dfl', 'arcface', 'plot', 'heatmap', 'grad', 'triplet_hinge', 'sin', 'sum']) assert.ok(labels.includes(name), `${name} missing`);
      for (const blocked of ['evaluate', 'import', 'parse', 'config']) assert.ok(!labels.includes(blocked), `${blocked} offered`);
    });
  }

  it('replaces the whole word under the cursor', () => {
    assert.deepEqual([complete('r = qf|l').start, complete('r = qf|l').end], [4, 7]);
    assert.deepEqual([complete('r = |').start, complete('r = |').end], [4, 4]);
  });

  it('inserts a snippet built from the first signature, with the first option and its default', () => {
    assert.equal(item('|', 'qfl')?.insertText, 'qfl(${1:pred}, ${2:label}, ${3:score}, {beta: ${4:2}})');
    assert.equal(item('|', 'focal')?.insertText, 'focal(${1:pred}, ${2:target}, {alpha: ${3:0.25}})');
    assert.equal(item('|', 'gfl')?.insertText, 'gfl(${1:data}, {stride: ${2:stride}})');
    assert.equal(item('|', 'iou')?.insertText, 'iou(${1:a}, ${2:b}, {mode: ${3|"iou","giou","diou","ciou"|}})');
    assert.equal(item('|', 'census')?.insertText, 'census(${1:embeddings}, ${2:labels})');
    assert.equal(item('|', 'integral')?.insertText, 'integral(${1:pred})');
    assert.equal(item('|', 'softmax')?.insertText, 'softmax(${1:z}, {dim: ${2:dim}})');
    assert.equal(item('|', 'plot')?.insertText, 'plot(${1:expression}, ${2:variable}, ${3:from}, ${4:to}, {points: ${5:201}})');
    assert.equal(item('|', 'scatter')?.insertText, 'scatter(${1:points})');
    assert.equal(item('|', 'qfl')?.snippet, true);
  });

  it('inserts only the name when a ( already follows', () => {
    const entry = item('r = qf|(a, b)', 'qfl');
    assert.equal(entry?.insertText, 'qfl');
    assert.equal(entry?.snippet, false);
  });

  it('documents a function with its summary, signatures and example', () => {
    const entry = item('|', 'qfl');
    const qfl = BUILTINS_BY_NAME.get('qfl');
    assert.equal(entry?.detail, qfl?.signatures[0]);
    assert.ok(entry?.documentation.includes(qfl?.summary ?? '?'));
    for (const s of qfl?.signatures ?? []) assert.ok(entry?.documentation.includes(s));
    assert.ok(entry?.documentation.includes(qfl?.example ?? '?'));
  });

  it('offers variables from earlier cells and from the current cell above the cursor only', () => {
    const { labels, items } = complete('a = 1\nb = a + |\nc = 3', ['p = [1, 2]', 'f(x) = x^2']);
    assert.ok(labels.includes('p'));
    assert.ok(labels.includes('a'));
    assert.ok(!labels.includes('b'), 'the statement being written is not defined yet');
    assert.ok(!labels.includes('c'), 'a variable below the cursor is not defined yet');
    assert.equal(items.find((i) => i.label === 'p')?.detail, 'defined in cell 1');
    assert.equal(items.find((i) => i.label === 'a')?.detail, 'defined above');
    assert.equal(items.find((i) => i.label === 'f')?.insertText, 'f(${1:x})');
    assert.equal(items.find((i) => i.label === 'f')?.kind, 'function');
  });

  it('ranks the notebook’s names first, mathjs’s last', () => {
    const { items } = complete('|', ['zeta1 = 3']);
    const rank = (label: string): string => items.find((i) => i.label === label)?.sortText ?? '';
    assert.ok(rank('zeta1') < rank('qfl') && rank('qfl') < rank('sin'));
  });

  it('offers nothing after a dot, inside a comment, a string or a number', () => {
    assert.deepEqual(complete('r = qfl(a, b)\nr.|').labels, []);
    assert.deepEqual(complete('r.gr|').labels, []);
    assert.deepEqual(complete('x = 1 # qf|').labels, []);
    assert.deepEqual(complete('# |').labels, []);
    assert.deepEqual(complete('s = "qf|"').labels, []);
    assert.deepEqual(complete("s = 'unterminated q|").labels, []);
    assert.deepEqual(complete('x = 12|').labels, []);
  });

  it('offers functions again right after a comment line', () => {
    assert.ok(complete('# intro\nq|').labels.includes('qfl'));
  });
});

describe('completion: option objects', () => {
  it('offers only the function’s options inside its option object', () => {
    const { labels } = complete('qfl(pred, {be|})');
    assert.deepEqual(labels, ['beta', 'activated', 'background', 'precision', 'reduction', 'weight', 'avg_factor']);
  });

  it('leaves out keys already present, before or after the cursor, but not the one being typed', () => {
    assert.deepEqual(complete('qfl(p, l, s, {beta: 2, |})').labels, ['activated', 'background', 'precision', 'reduction', 'weight', 'avg_factor']);
    assert.deepEqual(complete('qfl(p, l, s, {|, reduction: "sum", beta: 1})').labels, ['activated', 'background', 'precision', 'weight', 'avg_factor']);
    assert.ok(complete('qfl(p, l, s, {bet|a: 2})').labels.includes('beta'));
  });

  it('inserts `key: ` and shows the default and description', () => {
    const entry = item('focal(x, y, {|})', 'gamma');
    assert.equal(entry?.insertText, 'gamma: ');
    assert.equal(entry?.kind, 'option');
    assert.equal(entry?.detail, 'gamma: number = 2');
    assert.ok(entry?.documentation.includes('focusing exponent'));
    assert.equal(item('qfl(p, l, s, {|})', 'reduction')?.detail, 'reduction: "none" | "mean" | "sum" = "mean"');
  });

  it('works in an unclosed object while typing, across lines', () => {
    assert.ok(complete('r = arcface(x, W, y, {s: 30,\n  ea|').labels.includes('easy_margin'));
    assert.ok(!complete('r = arcface(x, W, y, {s: 30,\n  |').labels.includes('s'));
  });

  it('uses the figure functions’ options, and only at their option positions', () => {
    assert.ok(complete('plot(qfl(s, 0.5), s, 0, 1, {|})').labels.includes('sliders'));
    assert.ok(complete('hist(v, {|})').labels.includes('bins'));
    assert.deepEqual(complete('table({|})').labels, [], 'table’s first argument is data');
  });

  it('offers nothing at a key of an object that is not an option object', () => {
    assert.deepEqual(complete('x = {|}').labels, []);
    assert.deepEqual(complete('plot(f(s), s, 0, 1, {over: {|}})').labels, []);
    assert.deepEqual(complete('census(e, l, {|})').labels, [], 'census takes no options');
  });

  it('offers allowed values after a key, and expressions too', () => {
    const { labels } = complete('qfl(p, l, s, {reduction: |})');
    assert.deepEqual(labels.slice(0, 3), ['"none"', '"mean"', '"sum"']);
    assert.ok(labels.includes('sin'));
    assert.deepEqual(complete('qfl(p, l, s, {activated: |})').labels.slice(0, 2), ['true', 'false']);
  });

  it('inside a value string, offers the allowed values in that quote, replacing the string', () => {
    const { text, offset } = cursor("giou(a, b, {reduction: 's|'})");
    const result = completeAt(text, offset);
    assert.deepEqual(result.items.map((i) => i.label), ["'none'", "'mean'", "'sum'"]);
    assert.deepEqual([result.start, result.end], [text.indexOf("'s'"), text.indexOf("'s'") + 3]);
  });

  it('offers variables and functions in a value position', () => {
    assert.ok(complete('qfl(p, l, s, {weight: w|})', ['w1 = [1]']).labels.includes('w1'));
  });
});
