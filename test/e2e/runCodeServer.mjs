// Runner 2: the extension-host suite (test/e2e/suite) in a real VS Code workbench on a headless
// machine. code-server loads the extension from the repository (extensionDevelopmentPath) and the
// compiled suite (extensionTestsPath) through the smoke-test payload; the extension host reports
// the suite's exit code through window.codeAutomationExit, which the page exposes.
//
//   node test/e2e/runCodeServer.mjs [--mode trusted|untrusted|both] [--no-build]
//
// Two runs by default: trusted (--disable-workspace-trust) and untrusted (a fresh user-data-dir
// without that flag). Prints "extension-host suite: N passed, N failed" last; exits non-zero on
// any failure, time-out or crash.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSuite } from './buildSuite.mjs';
import { ARTIFACTS, ROOT, ensureTools, launchBrowser, log, makeRunDir, makeWorkspace, startWorkbench, step } from './workbench.mjs';

/** The whole suite in one mode; generous, as CI machines are slower than a laptop. */
const SUITE_TIMEOUT_MS = 6 * 60_000;

/** Runs the suite once in code-server and returns its results ({mode, passed, failed, tests}). */
export async function runSuiteInCodeServer({ tools, mode }) {
  const runDir = makeRunDir(`suite-${mode}`);
  const workspace = makeWorkspace(runDir);
  const resultsFile = join(ARTIFACTS, `extension-host-${mode}.json`);
  rmSync(resultsFile, { force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const consoleLog = join(ARTIFACTS, `extension-host-${mode}.console.log`);
  writeFileSync(consoleLog, '');

  const server = await step(`start code-server (${mode})`, 90_000, () =>
    startWorkbench({ tools, runDir, workspace, trusted: mode === 'trusted', env: { LOSSLAB_E2E_MODE: mode, LOSSLAB_E2E_RESULTS: resultsFile } }),
  );
  let context;
  try {
    context = await launchBrowser(join(runDir, 'browser'));
    const page = context.pages()[0] ?? (await context.newPage());
    let reportExit;
    const exitCode = new Promise((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code) => {
      reportExit(code);
    });
    // The whole page console goes to a file; only the suite's own marked lines to the log.
    page.on('console', (message) => {
      const text = message.text();
      writeFileSync(consoleLog, `${text}\n`, { flag: 'a' });
      const at = text.indexOf('[losslab-e2e]');
      if (at >= 0) console.log(`    ${text.slice(at + '[losslab-e2e]'.length).trim()}`);
    });
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://remote${ROOT}`],
      ['extensionTestsPath', `vscode-remote://remote${join(ROOT, 'out', 'e2e', 'suite', 'index.js')}`],
    ];
    const target = `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await step(`open the workbench (${mode})`, 60_000, () => page.goto(target, { waitUntil: 'domcontentloaded' }));
    const code = await step(`extension-host suite (${mode})`, SUITE_TIMEOUT_MS, () => exitCode);
    await page.screenshot({ path: join(ARTIFACTS, `extension-host-${mode}.png`) }).catch(() => undefined);
    if (!existsSync(resultsFile)) {
      return { mode, passed: 0, failed: 1, tests: [{ title: `suite (${mode})`, state: 'failed', error: `exit code ${code} and no results file ${resultsFile}; see ${consoleLog} and ${server.log}` }] };
    }
    const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
    if (code !== 0 && results.failed === 0) {
      results.failed = 1;
      results.tests.push({ title: `suite (${mode})`, state: 'failed', error: `extension host exit code ${code}` });
    }
    return results;
  } finally {
    await context?.close().catch(() => undefined);
    await server.stop();
  }
}

async function main() {
  const argv = process.argv.slice(2);
  const modeIndex = argv.indexOf('--mode');
  const mode = modeIndex >= 0 ? argv[modeIndex + 1] : 'both';
  if (!['trusted', 'untrusted', 'both'].includes(mode)) throw new Error(`--mode must be trusted, untrusted or both, not ${mode}`);
  const tools = await step('tools (code-server, Node 24, Chromium)', 15 * 60_000, async () => ensureTools());
  if (!argv.includes('--no-build')) {
    await step('build the extension', 120_000, async () => {
      const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`scripts/build.mjs failed:\n${result.stdout}\n${result.stderr}`);
    });
  }
  await step('build the suite', 60_000, () => buildSuite());
  const modes = mode === 'both' ? ['trusted', 'untrusted'] : [mode];
  const all = [];
  for (const m of modes) all.push(await runSuiteInCodeServer({ tools, mode: m }));
  let passed = 0;
  let failed = 0;
  for (const results of all) {
    passed += results.passed;
    failed += results.failed;
    for (const t of results.tests.filter((t) => t.state === 'failed')) console.log(`\nFAILED (${results.mode}) ${t.title}\n${t.error}`);
  }
  console.log(`extension-host suite: ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(`runCodeServer: ${error instanceof Error ? error.message : String(error)}`);
      console.log('extension-host suite: 0 passed, 1 failed');
      process.exit(1);
    },
  );
}
