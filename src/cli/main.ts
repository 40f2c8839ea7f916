import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import packageJson from '../../package.json';
import { parseNotebook, serializeNotebook, type NotebookModel } from '../core/notebook/format';
import { applySavePolicy, DEFAULT_SAVE_POLICY } from '../core/notebook/savePolicy';
import { readFigureScript } from '../node/report/figureScript';
import { renderReport, reportTitle } from '../node/report/html';
import { writeFileAtomic } from '../node/files/write';
import type { KernelSettings } from '../node/kernel/process';
import { parseArgs, USAGE, type RunCommand } from './args';
import { findConfigFile, readConfigFile } from './config';
import { checkTargets, readNotebookBytes, type Job } from './files';
import { kernelEntry, kernelHost, type KernelEntry } from './kernelHost';
import { runNotebook, type CellFailure } from './runNotebook';
import { kernelSettings, RUNNER_SETTINGS } from './settings';

/**
 * `losslab`, the headless runner: everything but the process itself, so that tests can call it.
 * Returns the exit status: 0 when every cell ran without error, 1 when a cell failed or a file
 * could not be read or written, 2 for a usage error.
 */

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** What a test may replace: the kernel entry (a bundle built once, instead of the sources under tsx per notebook). */
export interface MainOptions {
  readonly kernelEntry?: KernelEntry;
}

export const NOTEBOOK_EXTENSION = '.lossnb';

export async function main(argv: readonly string[], io: CliIo, options: MainOptions = {}): Promise<number> {
  const args = parseArgs(argv);
  switch (args.command) {
    case 'help':
      io.stdout(`${USAGE}\n`);
      return 0;
    case 'version':
      io.stdout(`losslab ${packageJson.version}\n`);
      return 0;
    case 'usage-error':
      io.stderr(`losslab: ${args.message}\n\n${USAGE}\n`);
      return 2;
    case 'run':
      return runCommand(args, io, options);
  }
}

async function runCommand(args: RunCommand, io: CliIo, options: MainOptions): Promise<number> {
  let jobs: Job[];
  let limits: KernelSettings;
  let entry: KernelEntry;
  try {
    entry = options.kernelEntry ?? kernelEntry();
    jobs = planJobs(args);
    checkTargets(jobs);
    checkAllowPaths(args.allowPaths);
    const config = findConfigFile(args.config, args.path);
    limits = kernelSettings(config === undefined ? {} : readConfigFile(config), args.settings ?? {});
  } catch (error) {
    io.stderr(`losslab: ${messageOf(error)}\n`);
    return 1;
  }
  let failed = 0;
  for (const job of jobs) if (!(await runJobSafely(job, args, { limits, entry }, io))) failed++;
  if (jobs.length > 1) {
    const summary = `${jobs.length - failed} of ${jobs.length} notebooks ran without errors\n`;
    if (failed > 0) io.stderr(summary);
    else io.stdout(summary);
  }
  return failed === 0 ? 0 : 1;
}

/** The notebooks to run: the file itself, or each .lossnb directly in the folder, sorted by name. */
function planJobs(args: RunCommand): Job[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(args.path).isDirectory();
  } catch {
    throw new Error(`${args.path}: no such file or folder`);
  }
  if (!isFolder) {
    const output = args.check ? undefined : targetFile(args.out, args.path) ?? args.path;
    return [{ input: args.path, inPlace: args.out === undefined, ...(output !== undefined && { output }), ...(args.html !== undefined && { html: targetFile(args.html, args.path, '.html') }) }];
  }
  const names = readdirSync(args.path, { withFileTypes: true })
    .filter((entry) => entry.isFile() && extname(entry.name) === NOTEBOOK_EXTENSION)
    .map((entry) => entry.name)
    .sort();
  if (names.length === 0) throw new Error(`${args.path}: no ${NOTEBOOK_EXTENSION} files in this folder`);
  return names.map((name) => {
    const input = join(args.path, name);
    const output = args.check ? undefined : args.out === undefined ? input : join(args.out, name);
    const html = args.html === undefined ? undefined : join(args.html, `${basename(name, NOTEBOOK_EXTENSION)}.html`);
    return { input, inPlace: args.out === undefined, ...(output !== undefined && { output }), ...(html !== undefined && { html }) };
  });
}

/** `target` as a file path: inside it when it is an existing folder (named after the notebook). */
function targetFile(target: string | undefined, input: string, extension = NOTEBOOK_EXTENSION): string | undefined {
  if (target === undefined) return undefined;
  let isFolder = false;
  try {
    isFolder = statSync(target).isDirectory();
  } catch {
    // Not there yet: a file path.
  }
  return isFolder ? join(target, `${basename(input, NOTEBOOK_EXTENSION)}${extension}`) : target;
}

/** The kernel every notebook of a run gets: its entry and its limits. */
interface KernelChoice {
  readonly entry: KernelEntry;
  readonly limits: KernelSettings;
}

/**
 * runJob, never throwing: whatever one notebook does, a folder run goes on to the next one and
 * reports this one as failed (the kernel never rejects by contract; this keeps the contract's
 * breach from ending the run).
 */
async function runJobSafely(job: Job, args: RunCommand, kernel: KernelChoice, io: CliIo): Promise<boolean> {
  try {
    return await runJob(job, args, kernel, io);
  } catch (error) {
    io.stderr(`FAIL ${job.input}: the run stopped: ${messageOf(error).slice(0, 500)}\n`);
    return false;
  }
}

/** Runs one notebook in a kernel process of its own; true when every cell ran without error and every file was written. */
async function runJob(job: Job, args: RunCommand, kernel: KernelChoice, io: CliIo): Promise<boolean> {
  const started = performance.now();
  let text: string;
  try {
    text = decodeStrictUtf8(readNotebookBytes(job.input));
  } catch (error) {
    io.stderr(`FAIL ${job.input}: cannot read it: ${messageOf(error)}\n`);
    return false;
  }
  let model: NotebookModel;
  try {
    model = parseNotebook(text);
  } catch (error) {
    io.stderr(`FAIL ${job.input}: not a LossLab notebook: ${messageOf(error)}\n`);
    return false;
  }
  const host = kernelHost(dirname(resolve(job.input)), args.allowPaths.map((folder) => resolve(folder)), kernel.limits, kernel.entry);
  let result: Awaited<ReturnType<typeof runNotebook>>;
  try {
    result = await runNotebook(model, host, { keepGoing: args.keepGoing });
  } finally {
    await host.dispose();
  }
  const written: string[] = [];
  try {
    if (job.output !== undefined) {
      const policy = { outputs: args.saveOutputs ?? DEFAULT_SAVE_POLICY.outputs, timings: args.timings ?? DEFAULT_SAVE_POLICY.timings };
      writeText(job.output, serializeNotebook(applySavePolicy(result.model, policy)));
      written.push(job.output);
    }
    if (job.html !== undefined) {
      const title = reportTitle(model, basename(job.input));
      const figureScript = readFigureScript();
      if (figureScript === undefined) io.stderr(`note: ${job.html} shows figures as text: dist/report.js is missing (run npm run build)\n`);
      writeText(job.html, renderReport(result.model, title, figureScript));
      written.push(job.html);
    }
  } catch (error) {
    io.stderr(`FAIL ${job.input}: cannot write the results: ${messageOf(error)}\n`);
    return false;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const wrote = written.length === 0 ? '' : `; wrote ${written.join(', ')}`;
  if (result.failures.length === 0) {
    io.stdout(`ok   ${job.input}: ${result.cellsRun} code cell(s) in ${seconds} s${wrote}\n`);
    return true;
  }
  const runnable = model.cells.filter((cell) => cell.kind === 'code').length;
  io.stderr(`FAIL ${job.input}: ${describeFailures(result.failures)}${wrote}\n`);
  // After a stop the kernel is fresh: a later cell's undefined name is most likely one the reset took.
  let stoppedCell: number | undefined;
  for (const failure of result.failures) {
    io.stderr(formatFailure(failure));
    if (stoppedCell !== undefined && /^Undefined (symbol|function)/.test(failure.message)) io.stderr(`    (cell ${stoppedCell + 1} was stopped, which reset the scope: names defined before it are gone)\n`);
    if (failure.stopped !== undefined) stoppedCell = failure.cellIndex;
  }
  if (!args.keepGoing && result.cellsRun < runnable) io.stderr(`  stopped after the failing cell; --keep-going runs the rest\n`);
  return false;
}

function describeFailures(failures: readonly CellFailure[]): string {
  const cells = new Set(failures.map((failure) => failure.cellIndex)).size;
  return `${failures.length} error(s) in ${cells} cell(s)`;
}

/**
 * `  cell 3 (starts: y = 1), line 2, column 5: Error: …` (cell numbers are 1-based, counting
 * markdown cells), then the line itself with a caret under the column. A stopped cell has no
 * position; it is followed by the flag that raises the limit that stopped it.
 */
export function formatFailure(failure: CellFailure): string {
  const first = clip(failure.firstLine);
  const where = failure.line < 1 ? '' : `, line ${failure.line}, column ${failure.column}`;
  const header = `  cell ${failure.cellIndex + 1} (starts: ${first})${where}: ${failure.name}: ${failure.message}\n`;
  if (failure.stopped !== undefined) return `${header}${limitHint(failure.stopped)}`;
  if (failure.sourceLine.trim() === '' || failure.sourceLine.length > 200) return header;
  const caret = `${failure.sourceLine.slice(0, failure.column - 1).replace(/[^\t]/g, ' ')}^`;
  return `${header}    | ${failure.sourceLine}\n    | ${caret}\n`;
}

/** For a cell stopped by a limit, the flag that raises it. */
function limitHint(reason: string): string {
  const name = reason === 'time-limit' ? 'timeLimitSeconds' : reason === 'memory-limit' ? 'memoryLimitMb' : undefined;
  const setting = RUNNER_SETTINGS.find((candidate) => candidate.name === name);
  return setting === undefined ? '' : `    (a run raises it with ${setting.flag} ${setting.placeholder}, or ${setting.key} in a config file)\n`;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/** Writes a result atomically (a temporary file beside it, then a rename): a failed write leaves the old file whole. */
function writeText(path: string, text: string): void {
  writeFileAtomic(path, text);
}

/** Each --allow-path must be an existing folder: a typo would otherwise allow nothing, silently. */
function checkAllowPaths(folders: readonly string[]): void {
  for (const folder of folders) {
    let isFolder = false;
    try {
      isFolder = statSync(folder).isDirectory();
    } catch {
      // Missing: said below.
    }
    if (!isFolder) throw new Error(`--allow-path ${folder}: no such folder`);
  }
}

function decodeStrictUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error('the file is not UTF-8 text');
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
