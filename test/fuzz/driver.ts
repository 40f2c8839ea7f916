import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FuzzViolation, type FuzzTarget } from './target';

/**
 * The fuzz driver: finds every target in test/fuzz/targets/, runs `count` seeded cases of each
 * and checks the invariants every target shares: only our error types escape (a target turns
 * anything else into a FuzzViolation), each case ends within a time bound, the process stays under
 * a memory bound, and the repository's input files (fixtures, samples) are byte-for-byte unchanged.
 * A case that never returns (a synchronous hang) is caught by a watchdog thread, which prints the
 * target and seed and kills the process. Run by scripts/fuzz.mjs (`npm run fuzz`), and bounded by
 * test/fuzz/fuzz.test.ts in `npm test`.
 *
 * Environment: FUZZ_SEED (first seed; case i uses FUZZ_SEED + i, so one failing case replays with
 * FUZZ_SEED=<seed> FUZZ_COUNT=1), FUZZ_COUNT (cases per target), FUZZ_TARGET (a target's name or a
 * comma-separated list), FUZZ_CASE_MS (time bound per case), FUZZ_MEMORY_MB (resident memory bound).
 */

export interface DriverOptions {
  readonly seed: number;
  readonly count: number;
  readonly caseMs: number;
  readonly memoryMb: number;
}

export interface TargetReport {
  readonly name: string;
  readonly accepted: number;
  readonly rejected: number;
  readonly seconds: number;
  readonly slowestMs: number;
  readonly peakRssMb: number;
}

const TARGETS = resolve(__dirname, 'targets');
/** Files no case may change: the data and notebooks a run could be pointed at. */
const GUARDED = [resolve(__dirname, '../fixtures'), resolve(__dirname, '../../samples')];

/** Every target module in test/fuzz/targets/, in name order. */
export async function discoverTargets(): Promise<FuzzTarget[]> {
  const targets: FuzzTarget[] = [];
  for (const file of readdirSync(TARGETS).filter((name) => name.endsWith('.ts')).sort()) {
    const module = (await import(pathToFileURL(join(TARGETS, file)).href)) as { fuzzTarget?: FuzzTarget };
    if (module.fuzzTarget === undefined) throw new Error(`test/fuzz/targets/${file} exports no fuzzTarget`);
    targets.push(module.fuzzTarget);
  }
  return targets;
}

/** SHA-256 of every file under `folders`, by path. */
export function hashFiles(folders: readonly string[]): Map<string, string> {
  const hashes = new Map<string, string>();
  const walk = (path: string): void => {
    const stats = statSync(path);
    if (stats.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else if (stats.isFile()) hashes.set(path, createHash('sha256').update(readFileSync(path)).digest('hex'));
  };
  for (const folder of folders) walk(folder);
  return hashes;
}

function changedFiles(before: Map<string, string>, after: Map<string, string>): string[] {
  const paths = new Set([...before.keys(), ...after.keys()]);
  return [...paths].filter((path) => before.get(path) !== after.get(path));
}

/**
 * A thread that watches the case in progress through shared memory and kills the process when one
 * runs past `hardMs`: a synchronous hang never gives the event loop back, so no timer could.
 */
function startWatchdog(hardMs: number): { begin: (seed: number) => void; end: () => void; stop: () => void } {
  // Word 0: the case's seed; bytes 8–15: when it started (ms since the epoch), 0 between cases.
  const shared = new SharedArrayBuffer(16);
  const seedWord = new Int32Array(shared, 0, 1);
  const started = new Float64Array(shared, 8, 1);
  const source = `
    const { workerData } = require('node:worker_threads');
    const { writeSync } = require('node:fs');
    const words = new Int32Array(workerData.shared, 0, 1);
    const started = new Float64Array(workerData.shared, 8, 1);
    setInterval(() => {
      const since = started[0];
      if (since > 0 && Date.now() - since > workerData.hardMs) {
        writeSync(2, 'FUZZ HANG: seed ' + Atomics.load(words, 0) + ' of the target started last ran over ' + workerData.hardMs + ' ms\\n');
        process.kill(process.pid, 'SIGKILL');
      }
    }, 100);
  `;
  const worker = new Worker(source, { eval: true, workerData: { shared, hardMs } });
  worker.unref();
  return {
    begin: (seed) => {
      Atomics.store(seedWord, 0, seed | 0);
      started[0] = Date.now();
    },
    end: () => {
      started[0] = 0;
    },
    stop: () => void worker.terminate(),
  };
}

/** Runs `options.count` cases of one target; throws FuzzViolation at the first broken invariant. */
export async function runTarget(target: FuzzTarget, options: DriverOptions, watchdog?: ReturnType<typeof startWatchdog>): Promise<TargetReport> {
  const before = hashFiles(GUARDED);
  let accepted = 0;
  let rejected = 0;
  let slowestMs = 0;
  let peakRss = 0;
  const started = performance.now();
  for (let i = 0; i < options.count; i++) {
    const seed = options.seed + i;
    watchdog?.begin(seed);
    const caseStart = performance.now();
    let outcome: 'accepted' | 'rejected';
    try {
      outcome = await target.runCase(seed);
    } catch (error) {
      if (error instanceof FuzzViolation) throw error;
      throw new FuzzViolation(target.name, seed, `the target itself threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    } finally {
      watchdog?.end();
    }
    const ms = performance.now() - caseStart;
    slowestMs = Math.max(slowestMs, ms);
    if (ms > options.caseMs) throw new FuzzViolation(target.name, seed, `took ${ms.toFixed(0)} ms, over the ${options.caseMs} ms bound`);
    const rss = process.memoryUsage.rss();
    peakRss = Math.max(peakRss, rss);
    if (rss > options.memoryMb * 1024 * 1024) throw new FuzzViolation(target.name, seed, `resident memory reached ${(rss / 2 ** 20).toFixed(0)} MB, over the ${options.memoryMb} MB bound`);
    if (outcome === 'accepted') accepted++;
    else rejected++;
  }
  const changed = changedFiles(before, hashFiles(GUARDED));
  if (changed.length > 0) throw new FuzzViolation(target.name, options.seed, `input files changed: ${changed.slice(0, 5).join(', ')}`);
  return { name: target.name, accepted, rejected, seconds: (performance.now() - started) / 1000, slowestMs, peakRssMb: peakRss / 2 ** 20 };
}

function numberFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`${name} should be a number, got ${JSON.stringify(text)}`);
  return value;
}

/** The command line: runs the selected targets and prints one line per target; exit 1 on a violation. */
async function main(): Promise<void> {
  const options: DriverOptions = {
    seed: numberFromEnv('FUZZ_SEED', 16),
    count: numberFromEnv('FUZZ_COUNT', 1000),
    caseMs: numberFromEnv('FUZZ_CASE_MS', 10_000),
    memoryMb: numberFromEnv('FUZZ_MEMORY_MB', 1536),
  };
  const wanted = (process.env.FUZZ_TARGET ?? '').split(',').filter((name) => name !== '');
  const targets = (await discoverTargets()).filter((target) => wanted.length === 0 || wanted.includes(target.name));
  if (targets.length === 0) throw new Error(`no fuzz target matches FUZZ_TARGET=${process.env.FUZZ_TARGET ?? ''}`);
  const watchdog = startWatchdog(options.caseMs * 3);
  let total = 0;
  let seconds = 0;
  try {
    for (const target of targets) {
      writeSync(1, `start ${target.name}\n`);
      const report = await runTarget(target, options, watchdog);
      total += report.accepted + report.rejected;
      seconds += report.seconds;
      const rate = (report.accepted + report.rejected) / report.seconds;
      writeSync(1, `${report.name}: ${report.accepted + report.rejected} cases (${report.accepted} accepted, ${report.rejected} rejected) in ${report.seconds.toFixed(1)} s, ${rate.toFixed(0)} cases/s, slowest ${report.slowestMs.toFixed(0)} ms, peak RSS ${report.peakRssMb.toFixed(0)} MB\n`);
    }
  } finally {
    watchdog.stop();
  }
  writeSync(1, `fuzz: ${total} cases over ${targets.length} targets in ${seconds.toFixed(1)} s (seed ${options.seed}), no violation\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      writeSync(2, `${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
