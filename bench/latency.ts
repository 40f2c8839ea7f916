/**
 * Issue 7's notebook latency targets, measured on the production bundles (dist/, built here with
 * `node scripts/build.mjs --production` into a temporary folder):
 *
 * - run_all_gfl_tour: "Run All" of samples/gfl-tour.lossnb through a fresh kernel process, from
 *   starting it to the last cell's outputs (target < 2 s); run_all_gfl_tour_cli: the same through
 *   `losslab run --check`, the whole process.
 * - rerun_plot_cell_1000: re-running, in that kernel, a cell that plots two 1000-point curves with
 *   their exact gradients, until its outputs are back on the host (target < 100 ms).
 * - activation: require('dist/extension.js') and activate() with a stand-in `vscode`, in a fresh
 *   process each time (target < 50 ms).
 * - rerun_qfl_cell_20000x80: re-running, in that kernel, `r = qfl(pred, label, score)` on a loaded
 *   (20000, 80) float32 export (the core workloads' QFL shape), until its outputs are back: the
 *   language's cost (reading the arguments, making the result's matrices) on top of the loss's.
 * - rerun_arcface_cell_512x512x10000: re-running, in that kernel (its worker pool included),
 *   `r = arcface(x, W, labels, {precision: 'float32', outputs: 'loss'})` on a loaded float32
 *   export (x 512×512, W 512×10000), until its outputs are back; each re-run alternates with the
 *   bare core call (arcFaceLossFused in this process on the same values, float64 as a cell holds
 *   them), and the line adds `bare_median_ms` and `ratio`, the median of the per-pair ratios.
 *
 * Prints one JSON line per workload: {"workload", "median_ms", "min_ms", "peak_rss_mb", "threads"}.
 * `node --import tsx bench/latency.ts [workload …]`
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { toFloat64Tensor } from '../src/core/io/convert';
import { loadNpy } from '../src/core/io';
import { arcFaceLossFused } from '../src/core/losses/arcface/fused';
import { parseNotebook, serializeNotebook } from '../src/core/notebook/format';
import { enableRelaxedSimd } from '../src/node/relaxedSimd';
import { DEFAULT_KERNEL_SETTINGS, KernelProcess, type RunOutcome } from '../src/node/kernel/process';
import { isRunnable } from '../src/cli/runNotebook';

import { LATENCY_WORKLOADS } from './latencyWorkloads';

const TOUR = resolve('samples/gfl-tour.lossnb');
const PLOT_CELL =
  'plot([qfl(s, 1), focal(s, 1, -1, 2)], s, 0.01, 0.99, {grad: true, points: 1000, names: ["QFL, y = 1", "focal, α off, γ = 2"], x_label: "σ"})';
const runs = Number(process.env.BENCH_RUNS ?? 9);
const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;

const round = (ms: number): number => Math.round(ms * 100) / 100;
const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function line(workload: string, times: number[], peakRssBytes: number, threads: number, extra: Record<string, number> = {}): void {
  console.log(JSON.stringify({ workload, median_ms: round(median(times)), min_ms: round(Math.min(...times)), peak_rss_mb: mib(peakRssBytes), threads, ...extra }));
}

function tourCells(): string[] {
  return parseNotebook(readFileSync(TOUR, 'utf8')).cells.filter(isRunnable).map((cell) => cell.source);
}

function assertClean(outcome: RunOutcome, what: string): void {
  if (outcome.kind !== 'completed') throw new Error(`${what}: the kernel stopped (${outcome.reason})`);
  const error = outcome.outputs.find((o) => o.kind === 'error');
  if (error !== undefined) throw new Error(`${what}: ${JSON.stringify(error)}`);
}

/** The kernel's peak RSS, read from /proc while it is alive (0 where /proc is unavailable). */
function kernelPeakRss(pid: number | undefined): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]) * 1024;
  } catch {
    return 0;
  }
}

/** The pid of the kernel's child process (the newest child of this process). */
function newestChildPid(): number | undefined {
  const result = spawnSync('pgrep', ['-n', '-P', String(process.pid)], { encoding: 'utf8' });
  const pid = Number(result.stdout.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function runAllKernel(dist: string): Promise<void> {
  const cells = tourCells();
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const kernel = new KernelProcess({ workerFile: join(dist, 'kernelWorker.js'), folder: resolve('samples'), trusted: true });
    for (const cell of cells) assertClean(await kernel.run(cell), 'run_all_gfl_tour');
    times.push(performance.now() - started);
    peak = Math.max(peak, kernelPeakRss(newestChildPid()));
    await kernel.dispose();
  }
  line('run_all_gfl_tour', times, peak, availableParallelism());
}

function runAllCli(dist: string): void {
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const result = spawnSync(process.execPath, ['-r', resolve('bench/reportRss.cjs'), join(dist, 'cli.js'), 'run', TOUR, '--check'], { encoding: 'utf8' });
    times.push(performance.now() - started);
    if (result.status !== 0) throw new Error(`losslab run --check failed: ${result.stderr}`);
    peak = Math.max(peak, Number(/LOSSLAB_MAX_RSS=(\d+)/.exec(result.stderr)?.[1] ?? 0));
  }
  line('run_all_gfl_tour_cli', times, peak, availableParallelism());
}

/**
 * `losslab run --check` over notebooks of 10,000 and 20,000 one-line cells, each defining a name
 * (issue 16): a run linear in its cells takes about twice as long for twice the cells.
 */
function runManyCellsCli(dist: string, scratch: string): void {
  for (const count of [10_000, 20_000]) {
    const file = join(scratch, `cells-${count}.lossnb`);
    const cells = Array.from({ length: count }, (_, i) => ({ kind: 'code' as const, language: 'losslab', source: `v${i} = ${i} + 1`, outputs: [], metadata: {}, extra: {} }));
    writeFileSync(file, serializeNotebook({ metadata: {}, extra: {}, cells }));
    const times: number[] = [];
    let peak = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const result = spawnSync(process.execPath, ['-r', resolve('bench/reportRss.cjs'), join(dist, 'cli.js'), 'run', file, '--check'], { encoding: 'utf8' });
      times.push(performance.now() - started);
      if (result.status !== 0) throw new Error(`losslab run --check of ${count} cells failed: ${result.stderr}`);
      peak = Math.max(peak, Number(/LOSSLAB_MAX_RSS=(\d+)/.exec(result.stderr)?.[1] ?? 0));
    }
    line(`run_cli_${count}_cells`, times, peak, 1);
  }
}

/**
 * Runs `cell` `warmUps` times (the first compiles it and lets the JIT see its loops), then times `count`
 * re-runs until their outputs are back, checking each outcome.
 */
async function timeReruns(
  kernel: KernelProcess, cell: string, count: number, what: string, warmUps = 3, check: (outcome: RunOutcome) => void = () => undefined,
): Promise<number[]> {
  for (let i = 0; i < warmUps; i++) assertClean(await kernel.run(cell, DEFAULT_KERNEL_SETTINGS), what);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const outcome = await kernel.run(cell, DEFAULT_KERNEL_SETTINGS);
    times.push(performance.now() - started);
    assertClean(outcome, what);
    check(outcome);
  }
  return times;
}

async function rerunPlotCell(dist: string): Promise<void> {
  const kernel = new KernelProcess({ workerFile: join(dist, 'kernelWorker.js'), folder: resolve('samples'), trusted: true });
  try {
    for (const cell of tourCells()) assertClean(await kernel.run(cell), 'rerun_plot_cell_1000 (setup)');
    const times = await timeReruns(kernel, PLOT_CELL, Math.max(runs, 15), 'rerun_plot_cell_1000', 3, (outcome) => {
      const figure = outcome.kind === 'completed' ? outcome.outputs[0] : undefined;
      if (figure?.kind !== 'figure' || figure.spec.kind !== 'curves' || figure.spec.x.length !== 1000) throw new Error('rerun_plot_cell_1000: no 1000-point figure');
    });
    line('rerun_plot_cell_1000', times, kernelPeakRss(newestChildPid()), 1);
  } finally {
    await kernel.dispose();
  }
}

const QFL_ROWS = 20_000;
const QFL_CLASSES = 80;

async function rerunQflCell(dist: string): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'losslab-qfl-cell-'));
  try {
    // A child writes the export, as for the scale workloads (bench/generateExport.ts).
    const made = spawnSync(process.execPath, ['--import', 'tsx', 'bench/generateExport.ts', 'qfl', folder, String(QFL_ROWS), String(QFL_CLASSES), '7'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`rerun_qfl_cell: writing the export failed: ${made.stderr}`);
    const kernel = new KernelProcess({ workerFile: join(dist, 'kernelWorker.js'), folder, trusted: true });
    try {
      const setup = 'pred = load("pred.npy").pred\nlabel = load("label.npy").label\nscore = load("score.npy").score\n1';
      assertClean(await kernel.run(setup, DEFAULT_KERNEL_SETTINGS), 'rerun_qfl_cell (setup)');
      const times = await timeReruns(kernel, 'r = qfl(pred, label, score)\nr.loss', Math.max(runs, 9), 'rerun_qfl_cell');
      line(`rerun_qfl_cell_${QFL_ROWS}x${QFL_CLASSES}`, times, kernelPeakRss(newestChildPid()), availableParallelism());
    } finally {
      await kernel.dispose();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

const [ARC_B, ARC_D, ARC_C] = [512, 512, 10_000];

async function rerunArcFaceCell(dist: string): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'losslab-arcface-cell-'));
  try {
    const made = spawnSync(process.execPath, ['--import', 'tsx', 'bench/generateExport.ts', 'arcface', folder, String(ARC_B), String(ARC_D), String(ARC_C), '11'], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`rerun_arcface_cell: writing the export failed: ${made.stderr}`);
    // The bare call's inputs: the export's values as a cell holds them (float64, converted once).
    const read = (name: string) => toFloat64Tensor(loadNpy(readFileSync(join(folder, `${name}.npy`)), `${name}.npy`), name);
    const [x, W, labels] = [read('x'), read('W'), read('labels')];
    const options = { precision: 'float32', grad: true } as const;
    enableRelaxedSimd();
    const bare = (): number => {
      const started = performance.now();
      arcFaceLossFused(x, W, labels, options);
      return performance.now() - started;
    };
    const kernel = new KernelProcess({ workerFile: join(dist, 'kernelWorker.js'), folder, trusted: true });
    try {
      const setup = 'x = load("x.npy").x\nW = load("W.npy").W\nlabels = load("labels.npy").labels\n1';
      assertClean(await kernel.run(setup, DEFAULT_KERNEL_SETTINGS), 'rerun_arcface_cell (setup)');
      const cell = "r = arcface(x, W, labels, {precision: 'float32', outputs: 'loss'})\nr.loss";
      for (let i = 0; i < 2; i++) bare();
      const cellTimes: number[] = [];
      const bareTimes: number[] = [];
      // Pairs, so that the machine's drift (other processes) moves both sides of each ratio.
      for (let i = 0; i < Math.max(runs, 7); i++) {
        cellTimes.push(...(await timeReruns(kernel, cell, 1, 'rerun_arcface_cell', i === 0 ? 3 : 0)));
        bareTimes.push(bare());
      }
      const ratios = cellTimes.map((ms, i) => ms / bareTimes[i]);
      line(`rerun_arcface_cell_${ARC_B}x${ARC_D}x${ARC_C}`, cellTimes, kernelPeakRss(newestChildPid()), availableParallelism(), {
        bare_median_ms: round(median(bareTimes)),
        ratio: round(median(ratios)),
      });
    } finally {
      await kernel.dispose();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Child script: requires the bundle under a stand-in `vscode` and prints {require_ms, activate_ms, rss}. */
const ACTIVATE = `
const Module = require('node:module');
const deep = () => new Proxy(function stub() {}, {
  get: (_t, key) => (key === 'then' ? undefined : key === 'dispose' ? () => {} : key === Symbol.toPrimitive ? () => 0 : deep()),
  apply: () => deep(),
  construct: () => deep(),
});
const names = JSON.parse(process.env.LOSSLAB_VSCODE_NAMES);
const vscode = new Proxy({}, {
  get: (_t, key) => (key === '__esModule' ? undefined : deep()),
  ownKeys: () => names,
  getOwnPropertyDescriptor: () => ({ configurable: true, enumerable: true, value: deep() }),
});
const original = Module._load;
Module._load = function (request, ...rest) { return request === 'vscode' ? vscode : original.call(this, request, ...rest); };
const started = performance.now();
const extension = require(process.env.LOSSLAB_EXTENSION);
const required = performance.now();
const subscriptions = [];
extension.activate({ subscriptions, extensionPath: process.env.LOSSLAB_ROOT, extensionUri: deep() });
const activated = performance.now();
process.stdout.write(JSON.stringify({ total: activated - started, subscriptions: subscriptions.length, rss: process.resourceUsage().maxRSS * 1024 }));
`;

function activation(dist: string): void {
  const sources = (dir: string): string[] =>
    spawnSync('find', [dir, '-name', '*.ts'], { encoding: 'utf8' }).stdout.split('\n').filter((f) => f.length > 0);
  const names = new Set(sources('src/extension').flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/\bvscode\.([A-Za-z]+)/g)].map((m) => m[1])));
  const env = { ...process.env, LOSSLAB_VSCODE_NAMES: JSON.stringify([...names]), LOSSLAB_EXTENSION: join(dist, 'extension.js'), LOSSLAB_ROOT: resolve('.') };
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(process.execPath, ['-e', ACTIVATE], { encoding: 'utf8', env });
    if (result.status !== 0) throw new Error(`activation failed: ${result.stderr}`);
    const measured = JSON.parse(result.stdout) as { total: number; subscriptions: number; rss: number };
    if (measured.subscriptions < 5) throw new Error(`activation registered only ${measured.subscriptions} subscriptions`);
    times.push(measured.total);
    peak = Math.max(peak, measured.rss);
  }
  line('activation', times, peak, 1);
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : LATENCY_WORKLOADS;
  const scratch = mkdtempSync(join(tmpdir(), 'losslab-latency-'));
  const dist = join(scratch, 'dist');
  try {
    const build = spawnSync(process.execPath, ['scripts/build.mjs', '--production', '--outdir', dist], { encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`production build failed: ${build.stderr}`);
    for (const name of wanted) {
      if (name === 'run_all_gfl_tour') await runAllKernel(dist);
      else if (name === 'run_all_gfl_tour_cli') runAllCli(dist);
      else if (name === 'rerun_plot_cell_1000') await rerunPlotCell(dist);
      else if (name === 'activation') activation(dist);
      else if (name === 'run_cli_many_cells') runManyCellsCli(dist, scratch);
      else if (name === 'rerun_qfl_cell_20000x80') await rerunQflCell(dist);
      else if (name === 'rerun_arcface_cell_512x512x10000') await rerunArcFaceCell(dist);
      else throw new Error(`bench/latency.ts: unknown workload '${name}'; known: ${LATENCY_WORKLOADS.join(', ')}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
