import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseNotebook, serializeNotebook, type CellModel, type NotebookModel } from '../../src/core/notebook/format';
import { ERROR_MIME } from '../../src/core/notebook/outputs';
import { inProcessCli } from '../helpers/cli';

/**
 * Resource abuse through `losslab run` (issue 16): each hostile cell ends as an error output that
 * names what stopped it, the cells after it run (with --keep-going) in a fresh kernel, the run
 * exits 1, and the notebook is written whole. Outcomes only: which limit stopped a cell, never how
 * long it took.
 */

const { work, run } = inProcessCli('losslab-cli-limits-');

const code = (source: string): CellModel => ({ kind: 'code', language: 'losslab', source, metadata: {}, outputs: [], extra: {} });

function writeNotebook(name: string, sources: readonly string[]): string {
  const path = join(work, name);
  writeFileSync(path, serializeNotebook({ metadata: {}, cells: sources.map(code), extra: {} }));
  return path;
}

/** A cell's error outputs as {name, message}, read from the stored items as any viewer reads them. */
function errorsOf(cell: CellModel): { name: string; message: string }[] {
  return cell.outputs.flatMap((output) => output.items.filter((item) => item.mime === ERROR_MIME).map((item) => JSON.parse(new TextDecoder().decode(item.data)) as { name: string; message: string }));
}

/** One hostile cell, what it must end as, and the plain cell after it that must still run. */
interface Abuse {
  readonly what: string;
  readonly source: string;
  /** The error's name: a stop (the kernel was killed) or the guard's refusal. */
  readonly name: string;
  readonly message: RegExp;
}

/** A stop concerns the whole cell: no line and column, and it says the scope is gone. */
const RESET = /^The [^\n]*and was stopped\. The kernel was restarted, so the scope was reset/;

const TIMED: readonly Abuse[] = [
  { what: 'exponential recursion', source: 'f(n) = n <= 1 ? 1 : f(n - 1) + f(n - 2) + 1\nf(100)', name: 'TimeLimitExceeded', message: RESET },
  // Strings keep their JavaScript methods in a cell, so a catastrophic pattern can be written.
  { what: 'catastrophic regex backtracking', source: 's = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"\ns.match("^(a+)+$")', name: 'TimeLimitExceeded', message: RESET },
  // mathjs's inv has no checkpoint: only killing the kernel stops it.
  { what: 'inv of a 2000×2000 matrix', source: 'inv(random([2000, 2000]))', name: 'TimeLimitExceeded', message: RESET },
  { what: 'range("1:1e9")', source: 'r = range("1:1e9")', name: 'ElementCapError', message: /^line 1, column 5: range\(…\) would hold 1,000,000,000 elements, more than the cap of 10,000,000/ },
  // 40 callbacks of 10⁶ each: the one guard refuses the map as its results pass 10⁷, before the 40th.
  { what: 'map callbacks whose results add up past the cap', source: 'v = map(range(1, 40), f(i) = ones(1e6))', name: 'ElementCapError', message: /^line 1, column 5: map\(…\)'s callbacks have returned [\d,]+ elements so far, more than the cap of 10,000,000/ },
  // 2 characters doubled: 2^(j+1) after j doublings passes 10⁷ at j = 23, on the cell's line 24.
  { what: 'a string doubled without end', source: `s = "ab"\n${Array.from({ length: 28 }, () => 's = concat(s, s)').join('\n')}`, name: 'ElementCapError', message: /^line 24, column 5: concat\(…\) would hold 16,777,216 elements/ },
  { what: 'endless recursion', source: 'g(x) = g(x + 1)\ng(1)', name: 'RangeError', message: /^line 2, column 1: the call stack ran out: a function called itself too many times/ },
];

describe('resource abuse through losslab run --time-limit 2 --memory-limit 256', { timeout: 300_000 }, () => {
  // ok0 = 0, abuse, ok1 = 1, abuse, …, then a cell that needs ok0 from before the stops.
  const sources = [...TIMED.flatMap((abuse, i) => [`ok${i} = ${i}`, abuse.source]), `ok${TIMED.length} = ${TIMED.length}`, 'ok0 + 1'];
  const path = writeNotebook('abuse.lossnb', sources);
  let result: { status: number; stdout: string; stderr: string };
  let written: NotebookModel;

  before(async () => {
    result = await run('run', path, '--keep-going', '--time-limit', '2', '--memory-limit', '256');
    written = parseNotebook(readFileSync(path, 'utf8'));
  });

  it('exits 1, and writes the notebook whole: every cell, every source, in order', () => {
    assert.equal(result.status, 1, result.stderr);
    assert.deepEqual(written.cells.map((cell) => cell.source), sources);
  });

  TIMED.forEach((abuse, i) => {
    it(`${abuse.what} ends as ${abuse.name}, and the cell after it runs`, () => {
      const cell = written.cells[2 * i + 1];
      const [first] = errorsOf(cell);
      assert.ok(first !== undefined, `no error output: ${JSON.stringify(cell.outputs)}`);
      assert.equal(first.name, abuse.name, first.message);
      assert.match(first.message, abuse.message);
      assert.equal(cell.execution?.success, false);
      const next = written.cells[2 * i + 2];
      assert.deepEqual(errorsOf(next), [], `ok${i + 1}`);
      assert.equal(next.execution?.success, true);
    });
  });

  it('a cell using a name from before a stop fails clearly, and the terminal says why', () => {
    const last = written.cells[written.cells.length - 1];
    assert.match(errorsOf(last)[0]?.message ?? '', /^line 1, column 1: Undefined symbol ok0/);
    assert.match(result.stderr, /TimeLimitExceeded: The cell ran longer than the time limit of 2 s/);
    assert.match(result.stderr, /\(a run raises it with --time-limit SECONDS, or losslab\.kernel\.timeLimitSeconds in a config file\)/);
    assert.match(result.stderr, /Undefined symbol ok0[^\n]*\n(?: {4}\|[^\n]*\n)*    \(cell \d+ was stopped, which reset the scope: names defined before it are gone\)/);
  });
});

describe('memory abuse through losslab run --memory-limit 256', { timeout: 300_000 }, () => {
  it('40 values each at the element cap stop at the memory limit; the next cell and the next notebook run', async () => {
    // Each ones(1e7) is at the default cap and holds 80 MB; 40 of them need 3.2 GB.
    const folder = join(work, 'memory');
    const sources = ['a = 1', Array.from({ length: 40 }, (_, i) => `v${i} = ones(1e7)`).join('\n'), 'b = 2'];
    mkdirSync(folder);
    const first = writeNotebook('memory/a.lossnb', sources);
    const second = writeNotebook('memory/b.lossnb', ['c = 3']);
    const before = readFileSync(first, 'utf8');
    // A generous time limit, so that the memory limit is what stops the cell on a slow machine too.
    const { status, stdout, stderr } = await run('run', folder, '--out', join(work, 'memory-out'), '--keep-going', '--time-limit', '120', '--memory-limit', '256');
    assert.equal(status, 1, stderr);
    assert.equal(readFileSync(first, 'utf8'), before, 'the input is untouched with --out');
    const cells = parseNotebook(readFileSync(join(work, 'memory-out', 'a.lossnb'), 'utf8')).cells;
    const [stop] = errorsOf(cells[1]);
    assert.equal(stop?.name, 'MemoryLimitExceeded', JSON.stringify(stop));
    assert.match(stop.message, /needed more memory than the limit of 256 MB \(setting losslab\.kernel\.memoryLimitMb\)/);
    assert.deepEqual(errorsOf(cells[2]), []);
    assert.match(stdout, new RegExp(`ok   ${second.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(stderr, /1 of 2 notebooks ran without errors/);
  });
});
