import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FIGURE_MIME, isFigureSpec } from '../../src/core/figures/spec';
import { parseNotebook, serializeNotebook, type CellModel, type NotebookModel } from '../../src/core/notebook/format';
import { ERROR_MIME, MARKDOWN_MIME, cellOutputToModel } from '../../src/core/notebook/outputs';
import { main } from '../../src/cli/main';
import type { KernelEntry } from '../../src/cli/kernelHost';
import { buildKernelWorker } from '../helpers/kernelWorker';
import { parseArgs } from '../../src/cli/args';
import { escapeHtml, renderMarkdown } from '../../src/node/report/markdown';
import { scriptHash, scriptSafeJson } from '../../src/node/report/html';
import { PLOTLY_SCRIPT } from '../../src/core/figures/plotly/script';

/**
 * The headless runner: the real CLI in a child process for the samples and the exit codes, and
 * `main` in-process for the rest (same code, without a process start per case).
 */

const SAMPLES = join(import.meta.dirname, '..', '..', 'samples');
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'losslab.ts');
let work: string;
/** The kernel of the in-process runs: the worker bundled once, as dist/kernelWorker.js is (the sources under tsx start slowly). */
let kernelEntry: KernelEntry;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'losslab-cli-'));
  kernelEntry = { workerFile: await buildKernelWorker(join(work, 'kernel')) };
});
after(() => rmSync(work, { recursive: true, force: true }));

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', cwd: join(import.meta.dirname, '..', '..') });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function inProcess(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, { kernelEntry });
  return { status, stdout, stderr };
}

const text = (data: Uint8Array): string => new TextDecoder().decode(data);

function cell(kind: CellModel['kind'], source: string): CellModel {
  return { kind, language: kind === 'code' ? 'losslab' : 'markdown', source, metadata: {}, outputs: [], extra: {} };
}

function writeNotebook(name: string, cells: CellModel[], metadata: NotebookModel['metadata'] = {}): string {
  const path = join(work, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, serializeNotebook({ metadata, cells, extra: {} }));
  return path;
}

function readNotebook(path: string): NotebookModel {
  return parseNotebook(readFileSync(path, 'utf8'));
}

describe('losslab run on the samples', () => {
  const samples = readdirSync(SAMPLES).filter((name) => name.endsWith('.lossnb'));

  it('has samples to run', () => assert.ok(samples.includes('gfl-tour.lossnb')));

  for (const name of samples) {
    it(`runs samples/${name} without errors (child process, --out to a temp file)`, () => {
      const out = join(work, 'samples-out', name);
      const before = readFileSync(join(SAMPLES, name), 'utf8');
      const { status, stdout, stderr } = cli('run', join(SAMPLES, name), '--out', out);
      assert.equal(status, 0, `stderr: ${stderr}`);
      assert.match(stdout, /^ok /);
      assert.equal(readFileSync(join(SAMPLES, name), 'utf8'), before, 'the sample itself is left as it was');
      const model = readNotebook(out);
      const code = model.cells.filter((c) => c.kind === 'code');
      assert.ok(code.length > 0);
      code.forEach((c, i) => {
        assert.equal(c.execution?.executionOrder, i + 1);
        assert.equal(c.execution?.success, true);
        assert.equal(c.execution?.timing, undefined, 'the run times are left out unless --timings');
        assert.ok(c.outputs.length > 0, `code cell ${i + 1} has outputs`);
        for (const output of c.outputs) assert.ok(!output.items.some((item) => item.mime === ERROR_MIME), `no error in: ${c.source}`);
      });
      const figures = code.flatMap((c) => c.outputs).filter((o) => o.items[0]?.mime === FIGURE_MIME);
      assert.ok(figures.length >= 5, `figures: ${figures.length}`);
      for (const figure of figures) {
        assert.deepEqual(figure.items.map((item) => item.mime), [FIGURE_MIME, MARKDOWN_MIME]);
        assert.ok(isFigureSpec(JSON.parse(text(figure.items[0].data))));
      }
      // Markdown cells are not run and stay as they were.
      const original = parseNotebook(before);
      model.cells.forEach((c, i) => {
        assert.equal(c.source, original.cells[i].source);
        if (c.kind === 'markdown') assert.deepEqual(c, original.cells[i]);
      });
    });
  }

  it('the tour loads the bundled export, runs GFL and the numbers agree with each other', async () => {
    const out = join(work, 'tour-values.lossnb');
    assert.equal((await inProcess('run', join(SAMPLES, 'gfl-tour.lossnb'), '--out', out)).status, 0);
    const markdown = readNotebook(out).cells.flatMap((c) => c.outputs.flatMap((o) => o.items.filter((i) => i.mime === MARKDOWN_MIME).map((i) => text(i.data))));
    const gfl = markdown.find((m) => m.includes('**gfl** loss'));
    assert.ok(gfl !== undefined);
    const number = (key: string): number => Number(new RegExp(`${key}: ([0-9.e-]+)`).exec(gfl)?.[1]);
    const total = Number(/loss = \*\*([0-9.e-]+)\*\*/.exec(gfl)?.[1]);
    // Identity: the head loss is the sum of its three parts (8 significant digits are printed).
    assert.ok(Math.abs(number('loss_cls') + number('loss_bbox') + number('loss_dfl') - total) < 1e-7);
    // The export's closed form: 343 positives (centre-in-box assignment), and the targets the
    // notebook counts beyond 15.9 bins are the ones GFL reports as clamped.
    assert.equal(number('num_positives'), 343);
    const clamped = Number(/dflTargetsClamped (\d+)/.exec(gfl)?.[1]);
    assert.ok(clamped > 0);
    // The count is printed alone, or after its statement's label in a cell of several outputs.
    assert.ok(markdown.some((m) => m === `\`${clamped}\`` || m.endsWith(` → \`${clamped}\``)), `no output prints ${clamped}`);
  });
});

describe('clean diffs', () => {
  const cells = () => [cell('markdown', '# Sweep'), cell('code', 'y = qfl(0.3, 0.5)'), cell('code', 'plot(qfl(s, 0.5), s, 0.01, 0.99)'), cell('code', 'nope + 1')];

  it('running an unchanged notebook again writes the same bytes, its figure one field per line', async () => {
    const path = writeNotebook('clean/again.lossnb', cells());
    assert.equal((await inProcess('run', path, '--keep-going')).status, 1);
    const once = readFileSync(path, 'utf8');
    assert.equal((await inProcess('run', path, '--keep-going')).status, 1);
    assert.equal(readFileSync(path, 'utf8'), once);
    const figure = readNotebook(path).cells[2].outputs[0].items[0];
    assert.equal(figure.mime, FIGURE_MIME);
    assert.match(text(figure.data), /^\{\n {2}"version": 1,\n {2}"kind": "curves",\n/);
    assert.ok(isFigureSpec(JSON.parse(text(figure.data))));
  });

  it('--timings keeps the run times; --save-outputs keeps all, the figures only, or nothing of the run', async () => {
    const path = writeNotebook('clean/modes.lossnb', cells());
    const run = async (...flags: string[]): Promise<NotebookModel> => {
      const out = join(work, 'clean', `${flags.join('')}.lossnb`);
      assert.equal((await inProcess('run', path, '--keep-going', '--out', out, ...flags)).status, 1);
      return readNotebook(out);
    };
    const timed = (await run('--timings')).cells[1].execution?.timing;
    assert.ok(timed !== undefined && timed.endTime >= timed.startTime);
    const mimes = (model: NotebookModel): string[][] => model.cells.map((c) => c.outputs.map((o) => o.items[0].mime));
    assert.deepEqual(mimes(await run('--save-outputs', 'all')), [[], [MARKDOWN_MIME], [FIGURE_MIME], [ERROR_MIME]]);
    assert.deepEqual(mimes(await run('--save-outputs=figures-only')), [[], [], [FIGURE_MIME], []]);
    const none = await run('--save-outputs', 'none');
    assert.deepEqual(mimes(none), [[], [], [], []]);
    assert.deepEqual(none.cells.map((c) => c.execution), [undefined, undefined, undefined, undefined]);
    assert.deepEqual(none.cells.map((c) => c.source), cells().map((c) => c.source));
  });

  it('--save-outputs takes one of the three modes, once', () => {
    assert.deepEqual(parseArgs(['run', 'n.lossnb', '--save-outputs', 'none', '--timings']), { command: 'run', path: 'n.lossnb', check: false, keepGoing: false, allowPaths: [], saveOutputs: 'none', timings: true });
    assert.deepEqual(parseArgs(['run', 'n.lossnb', '--save-outputs', 'some']), { command: 'usage-error', message: "--save-outputs needs one of all, figures-only, none, got 'some'" });
    assert.deepEqual(parseArgs(['run', 'n.lossnb', '--save-outputs']), { command: 'usage-error', message: '--save-outputs needs one of all, figures-only, none, got nothing' });
    assert.deepEqual(parseArgs(['run', 'n.lossnb', '--save-outputs=all', '--save-outputs=none']), { command: 'usage-error', message: '--save-outputs given twice' });
    assert.deepEqual(parseArgs(['run', 'n.lossnb', '--timings=yes']), { command: 'usage-error', message: '--timings takes no value' });
  });
});

describe('a failing cell', () => {
  it('exits 1 and prints the cell number, its first line, the line and column, and the error', async () => {
    const path = writeNotebook('fail/broken.lossnb', [
      cell('markdown', '# Broken'),
      cell('code', 'a = 1'),
      cell('code', 'b = 2\nc = qfl([[0.5]], [1], [0.5], {beta: -1})'),
      cell('code', 'a + 1'),
    ]);
    const { status, stderr } = await inProcess('run', path, '--out', join(work, 'fail/out.lossnb'));
    assert.equal(status, 1);
    assert.match(stderr, /FAIL .*broken\.lossnb/);
    assert.match(stderr, /cell 3 \(starts: b = 2\), line 2, column 5: InputError: qfl: options\.beta/);
    assert.match(stderr, /\| c = qfl\(/);
    assert.match(stderr, /\|     \^/);
    // The output notebook records the error where VS Code shows it, and Run All stops there.
    const model = readNotebook(join(work, 'fail/out.lossnb'));
    assert.equal(model.cells[2].execution?.success, false);
    const error = JSON.parse(text(model.cells[2].outputs[0].items[0].data)) as { name: string; message: string; stack: string };
    assert.equal(model.cells[2].outputs[0].items[0].mime, ERROR_MIME);
    assert.equal(error.name, 'InputError');
    assert.match(error.message, /^line 2, column 5: /);
    assert.equal(model.cells[3].execution, undefined);
    assert.deepEqual(model.cells[3].outputs, []);
  });

  it('--keep-going runs the cells after it, and --check writes nothing', async () => {
    const path = writeNotebook('fail/undefined.lossnb', [cell('code', 'x = nope + 1'), cell('code', '2 * 21')]);
    const before = readFileSync(path, 'utf8');
    const checked = await inProcess('run', path, '--check');
    assert.equal(checked.status, 1);
    assert.match(checked.stderr, /cell 1 \(starts: x = nope \+ 1\), line 1, column 5: Error: Undefined symbol nope/);
    assert.match(checked.stderr, /--keep-going/);
    assert.equal(readFileSync(path, 'utf8'), before);
    const kept = await inProcess('run', path, '--keep-going');
    assert.equal(kept.status, 1);
    const model = readNotebook(path);
    assert.equal(model.cells[1].execution?.executionOrder, 2);
    assert.equal(text(model.cells[1].outputs[0].items[0].data), '`42`');
  });

  it('a file that is not a notebook fails with the parser message', async () => {
    const path = join(work, 'fail/bad-json.lossnb');
    writeFileSync(path, '{"version": 1, "cells": [}');
    const { status, stderr } = await inProcess('run', path);
    assert.equal(status, 1);
    assert.match(stderr, /not a LossLab notebook: .*line 1, column 26/);
  });
});

describe('running in place and a folder', () => {
  it('writes outputs back in place and keeps unknown fields and metadata', async () => {
    const model: NotebookModel = {
      metadata: { owner: 'me' },
      cells: [{ ...cell('code', '1 + 1'), metadata: { tags: ['x'] }, extra: { future: true } }],
      extra: { later: [1] },
    };
    const path = join(work, 'inplace.lossnb');
    writeFileSync(path, serializeNotebook(model));
    assert.equal((await inProcess('run', path)).status, 0);
    const ran = readNotebook(path);
    assert.deepEqual(ran.metadata, { owner: 'me' });
    assert.deepEqual(ran.extra, { later: [1] });
    assert.deepEqual(ran.cells[0].metadata, { tags: ['x'] });
    assert.deepEqual(ran.cells[0].extra, { future: true });
    assert.equal(text(ran.cells[0].outputs[0].items[0].data), '`2`');
  });

  it('runs every .lossnb of a folder, loads files relative to each notebook, and fails if one fails', async () => {
    const dir = join(work, 'batch');
    mkdirSync(join(dir, 'data'), { recursive: true });
    copyFileSync(join(SAMPLES, 'data', 'example-export.npz'), join(dir, 'data', 'export.npz'));
    writeNotebook('batch/a.lossnb', [cell('code', 'd = load("data/export.npz")\nd.stride')]);
    writeNotebook('batch/b.lossnb', [cell('code', 'load("data/missing.npz")')]);
    writeFileSync(join(dir, 'notes.txt'), 'not a notebook');
    const outDir = join(work, 'batch-out');
    const { status, stdout, stderr } = await inProcess('run', dir, '--out', outDir, '--html', join(work, 'batch-html'));
    assert.equal(status, 1);
    assert.match(stdout, /ok .*a\.lossnb/);
    assert.match(stderr, /FAIL .*b\.lossnb/);
    assert.match(stderr, /load: path should be a readable .npy, .npz, .safetensors, .pt, .json or .csv file, but is "data\/missing.npz", which does not exist/);
    assert.match(stderr, /1 of 2 notebooks ran without errors/);
    assert.deepEqual(readdirSync(outDir).sort(), ['a.lossnb', 'b.lossnb']);
    assert.deepEqual(readdirSync(join(work, 'batch-html')).sort(), ['a.html', 'b.html']);
    assert.equal(text(readNotebook(join(outDir, 'a.lossnb')).cells[0].outputs[0].items[0].data), '`8`');
  });
});

describe('--html', () => {
  it('renders markdown, escapes HTML and embeds figure JSON that cannot close its script element', async () => {
    const path = writeNotebook(
      'report.lossnb',
      [
        cell('markdown', '# Title <script>alert("x")</script>\n\nSome **bold** and $a_i < b_j$ math.\n\n- one\n- two'),
        cell('code', 'plot(qfl(s, 0.5), s, 0.1, 0.9, {title: "</script><img src=x onerror=alert(1)>"})'),
        cell('code', 'x = "<b>&"\nx'),
      ],
      { title: 'A <report>' },
    );
    const html = join(work, 'report.html');
    const { status } = await inProcess('run', path, '--check', '--html', html);
    assert.equal(status, 0);
    const page = readFileSync(html, 'utf8');
    assert.match(page, /^<!DOCTYPE html>/);
    assert.match(page, /<title>A &lt;report&gt;<\/title>/);
    assert.match(page, /<h1>Title &lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;<\/h1>/);
    assert.match(page, /<strong>bold<\/strong>/);
    assert.match(page, /<span class="math">\$a_i &lt; b_j\$<\/span>/);
    assert.match(page, /<ul>\n<li>one<\/li>\n<li>two<\/li>\n<\/ul>/);
    assert.match(page, /&quot;&lt;b&gt;&amp;&quot;/);
    // Two script elements: the figure's JSON, and the inlined bundle that draws it offline.
    const scripts = [...page.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 2);
    const [figure, bundle] = scripts;
    assert.match(figure[1], /type="application\/json" class="losslab-figure"/);
    const spec = JSON.parse(figure[2]) as { kind: string; title: string };
    assert.equal(spec.kind, 'curves');
    assert.equal(spec.title, '</script><img src=x onerror=alert(1)>');
    assert.equal(bundle[1], '');
    // plotly's classic script, then the report bundle, as dist/ holds them (readFigureScript).
    const inlined = `${readFileSync(`dist/${PLOTLY_SCRIPT}`, 'utf8')}\n${readFileSync('dist/report.js', 'utf8')}`;
    assert.equal(bundle[2], inlined.replace(/<\/script/gi, '<\\/script'));
    // The policy admits the bundle by its hash, and no inline script otherwise.
    const scriptSrc = /script-src ([^;"]*)/.exec(page)?.[1] ?? '';
    assert.doesNotMatch(scriptSrc, /unsafe-inline/);
    assert.match(page, new RegExp(`script-src '${scriptHash(bundle[2]).replace(/[+/=]/g, '\\$&')}'`));
    const markup = page.replace(bundle[0], '');
    assert.doesNotMatch(markup, /<img/);
    assert.doesNotMatch(markup, /https?:\/\/(?!www\.w3\.org)/, 'no network resources');
  });
});

describe('usage errors exit 2 with the usage', () => {
  const cases: [string[], RegExp][] = [
    [[], /no command given/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['run'], /run needs a notebook or a folder/],
    [['run', 'a.lossnb', 'b.lossnb'], /run takes one notebook or folder/],
    [['run', 'a.lossnb', '--out'], /--out needs a path/],
    [['run', 'a.lossnb', '--html', '--check'], /--html needs a path/],
    [['run', 'a.lossnb', '--fast'], /unknown option '--fast'/],
    [['run', 'a.lossnb', '--check', '--out', 'b.lossnb'], /cannot be combined with --out/],
    [['run', 'a.lossnb', '--out', 'x', '--out=y'], /--out given twice/],
  ];
  for (const [args, message] of cases) {
    it(`losslab ${args.join(' ')}`, async () => {
      const { status, stderr } = await inProcess(...args);
      assert.equal(status, 2);
      assert.match(stderr, message);
      assert.match(stderr, /Usage: losslab run/);
    });
  }

  it('through the real process too, and --help exits 0', async () => {
    const bad = cli('run');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Usage: losslab run/);
    const help = await inProcess('--help');
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: losslab run/);
  });

  it('a missing path is an error (1), not a usage error', async () => {
    const { status, stderr } = await inProcess('run', join(work, 'nowhere.lossnb'));
    assert.equal(status, 1);
    assert.match(stderr, /no such file or folder/);
  });

  it('parses --out=PATH and flags in any order', () => {
    assert.deepEqual(parseArgs(['run', '--keep-going', 'n.lossnb', '--out=o.lossnb', '--html', 'r.html']), {
      command: 'run',
      path: 'n.lossnb',
      out: 'o.lossnb',
      html: 'r.html',
      check: false,
      keepGoing: true,
      allowPaths: [],
    });
  });
});

describe('the output encoding shared with the kernel', () => {
  it('maps values, figures and errors to the documented items', () => {
    const value = cellOutputToModel({ kind: 'value', line: 1, markdown: '`2`', summary: { kind: 'number', preview: '2' } });
    assert.deepEqual(value.items.map((i) => [i.mime, text(i.data)]), [[MARKDOWN_MIME, '`2`']]);
    const spec = { version: 1, kind: 'histogram', values: [1], binEdges: [0, 2], counts: [1], xLabel: 'v' } as const;
    const figure = cellOutputToModel({ kind: 'figure', line: 1, spec, markdown: '*Figure*' });
    assert.deepEqual(figure.items.map((i) => i.mime), [FIGURE_MIME, MARKDOWN_MIME]);
    assert.deepEqual(JSON.parse(text(figure.items[0].data)), spec);
    const error = cellOutputToModel({ kind: 'error', line: 3, column: 7, name: 'InputError', message: 'qfl: bad' });
    assert.equal(error.items[0].mime, ERROR_MIME);
    // The same payload as the editor stores (one mapping, core/notebook/outputs.ts).
    assert.deepEqual(JSON.parse(text(error.items[0].data)), { name: 'InputError', message: 'line 3, column 7: qfl: bad', stack: 'InputError: line 3, column 7: qfl: bad' });
  });
});

describe('the report markdown renderer', () => {
  const cases: [string, string][] = [
    ['## A *b* `c<d>`', '<h2>A <em>b</em> <code>c&lt;d&gt;</code></h2>'],
    ['snake_case_name and 2 * 3 * 4', '<p>snake_case_name and 2 * 3 * 4</p>'],
    ['costs $5 and $6', '<p>costs $5 and $6</p>'],
    ['$$\\sum_i x_i$$', '<div class="math display">$$\\sum_i x_i$$</div>'],
    // An unsafe target is no link: its text stays as written.
    ['[ok](https://a.b/c?d=1&e=2) [bad](javascript:alert) [rel](data/x.npz)', '<p><a href="https://a.b/c?d=1&amp;e=2">ok</a> [bad](javascript:alert) <a href="data/x.npz">rel</a></p>'],
    ['```js\n</pre><script>\n```', '<pre><code class="language-js">&lt;/pre&gt;&lt;script&gt;\n</code></pre>'],
    ['1. a\n2. b', '<ol>\n<li>a</li>\n<li>b</li>\n</ol>'],
    ['| a | b |\n| --- | ---: |\n| 1 | 2 |', '<table>\n<thead>\n<tr>\n<th>a</th>\n<th style="text-align:right">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td style="text-align:right">2</td>\n</tr>\n</tbody>\n</table>'],
    ['> quoted <i>', '<blockquote>\n<p>quoted &lt;i&gt;</p>\n</blockquote>'],
    ['- a\n  - b', '<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>'],
    ['a $x*y*z$ b', '<p>a <span class="math">$x*y*z$</span> b</p>'],
  ];
  for (const [source, html] of cases) {
    it(JSON.stringify(source), () => assert.equal(renderMarkdown(source), html));
  }

  it('lets no tag through, whatever the input (every < of the input reaches the page escaped)', () => {
    const nasty = ['<img src=x onerror=1>', '*<b>*', '`<x>`', '[<a>](https://x)', '$<y>$', '| <t> |\n|---|\n| <u> |', '# <h>', '- <li>'];
    for (const source of nasty) {
      const html = renderMarkdown(source);
      const tags = [...html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]);
      for (const tag of tags) assert.ok(['h1', 'p', 'em', 'strong', 'code', 'a', 'span', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li'].includes(tag), `${source} → ${html}`);
      assert.ok(!/<(img|b|x|y|t|u|h|li>)[ >]/.test(html.replace(/<li>/g, '')), `${source} → ${html}`);
    }
    assert.equal(escapeHtml(`<>&"'`), '&lt;&gt;&amp;&quot;&#39;');
  });

  it('escapes JSON for a script element', () => {
    const json = scriptSafeJson({ a: '</script><!--\u2028&' });
    assert.ok(!/[<>&\u2028]/.test(json));
    assert.deepEqual(JSON.parse(json), { a: '</script><!--\u2028&' });
  });
});
