/**
 * The entry point VS Code's test runner loads in the extension host (extensionTestsPath): it runs
 * the compiled *.test.js files next to it with mocha and writes the results to a JSON file, so the
 * runner outside can print "N passed, N failed" even when the host's console is not visible.
 *
 * Two modes, from LOSSLAB_E2E_MODE (the runners set it): `trusted` (the default) runs every file
 * but untrusted.test.js; `untrusted` runs that one alone. The mode must agree with
 * `vscode.workspace.isTrusted`, so a runner that opened the wrong kind of window fails loudly.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

/** Marks the suite's own console lines among the workbench's. */
export const MARK = '[losslab-e2e]';

export interface SuiteResult {
  readonly title: string;
  readonly state: 'passed' | 'failed' | 'pending';
  readonly ms?: number;
  readonly error?: string;
}

export interface SuiteResults {
  readonly mode: string;
  readonly passed: number;
  readonly failed: number;
  readonly pending: number;
  readonly tests: SuiteResult[];
}

/** Where the results go: LOSSLAB_E2E_RESULTS, else test-artifacts/e2e/ of the repository (out/e2e/suite → ../../..). */
function resultsFile(mode: string): string {
  return process.env.LOSSLAB_E2E_RESULTS ?? path.resolve(__dirname, '..', '..', '..', 'test-artifacts', 'e2e', `extension-host-${mode}.json`);
}

export async function run(): Promise<void> {
  const mode = process.env.LOSSLAB_E2E_MODE ?? 'trusted';
  const results: SuiteResult[] = [];
  const write = (): SuiteResults => {
    const summary = {
      mode,
      passed: results.filter((r) => r.state === 'passed').length,
      failed: results.filter((r) => r.state === 'failed').length,
      pending: results.filter((r) => r.state === 'pending').length,
      tests: results,
    };
    const file = resultsFile(mode);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  };

  if (mode !== 'trusted' && mode !== 'untrusted') {
    results.push({ title: 'suite mode', state: 'failed', error: `LOSSLAB_E2E_MODE must be trusted or untrusted, not ${mode}` });
  } else if ((mode === 'trusted') !== vscode.workspace.isTrusted) {
    results.push({ title: 'workspace trust', state: 'failed', error: `mode ${mode} but vscode.workspace.isTrusted is ${vscode.workspace.isTrusted}` });
  }
  if (results.length > 0) {
    write();
    throw new Error(results[0].error);
  }

  // The host's console shows format strings unformatted, so mocha's own reporters are silenced and
  // each result is logged as one plain line, marked for the runner to pick out.
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: Mocha.reporters.Base });
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .filter((name) => (name === 'untrusted.test.js') === (mode === 'untrusted'))
    .sort();
  if (files.length === 0) throw new Error(`no *.test.js files in ${__dirname}: build the suite first`);
  for (const name of files) mocha.addFile(path.join(__dirname, name));

  const failures = await new Promise<number>((resolve, reject) => {
    try {
      const runner = mocha.run(resolve);
      runner.on('pass', (t) => {
        results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration });
        console.log(`${MARK} passed ${t.fullTitle()} (${t.duration ?? 0} ms)`);
      });
      runner.on('fail', (t, error: unknown) => {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        results.push({ title: t.fullTitle(), state: 'failed', error: message });
        console.log(`${MARK} FAILED ${t.fullTitle()}: ${message.split('\n')[0]}`);
      });
      runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
    } catch (error) {
      reject(error);
    }
  });
  const summary = write();
  console.log(`${MARK} ${mode}: ${summary.passed} passed, ${summary.failed} failed`);
  if (failures > 0) throw new Error(`${failures} extension-host test(s) failed`);
}
