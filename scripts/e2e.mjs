// `npm run test:e2e`: LossLab in a real VS Code workbench (code-server), on a fresh machine too.
// 1. tools: Chromium and libkrb5-dev (apt-get), Node 24 and code-server (npm), cached under
//    ~/.cache/losslab — a few minutes once, instant afterwards;
// 2. the development build and the suite, then the extension-host suite in code-server, trusted
//    and untrusted (test/e2e/runCodeServer.mjs);
// 3. `npm run demo` as a user starts it, the URL it prints opened in Chromium and Run All pressed
//    (test/e2e/ui/demo.mjs);
// 4. `npm run package`, then the UI checks on the installed .vsix (test/e2e/ui/tour.mjs).
// Each part has a time limit; processes are killed as groups. Prints "N passed, N failed" last
// and exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const seconds = (t0) => ((Date.now() - t0) / 1000).toFixed(1);
let current;

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (current?.pid !== undefined) {
      try {
        process.kill(-current.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    process.exit(130);
  });
}

/** Runs one part in its own process group; resolves with its exit code and the "N passed, N failed" it printed. */
function part(name, args, limitMs) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    console.log(`\n=== ${name}`);
    const child = spawn(process.execPath, args, { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
    current = child;
    let tally;
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      for (const m of String(chunk).matchAll(/(\d+) passed, (\d+) failed/g)) tally = { passed: Number(m[1]), failed: Number(m[2]) };
    });
    const timer = setTimeout(() => {
      console.error(`=== ${name}: over its ${limitMs / 60_000} minute limit, stopping it`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, limitMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      // Whatever the part left behind (an extension host, a browser) goes with its group.
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
      const status = code ?? (signal ? 1 : 0);
      console.log(`=== ${name}: exit ${status} after ${seconds(t0)} s`);
      resolve({ name, status, tally: tally ?? { passed: 0, failed: status === 0 ? 0 : 1 } });
    });
  });
}

const parts = [];
// Installs the tools if needed (the long part on a fresh machine), then the two suite runs.
parts.push(await part('extension-host suite in code-server', ['test/e2e/runCodeServer.mjs'], 25 * 60_000));
// The README's first command as a user runs it: npm run demo, its printed URL, Run All.
parts.push(await part('npm run demo, its URL opened, Run All', ['test/e2e/ui/demo.mjs'], 15 * 60_000));
const packaged = await part('npm run package', ['scripts/package.mjs'], 5 * 60_000);
if (packaged.status !== 0) parts.push({ ...packaged, tally: { passed: 0, failed: 1 } });
// A bound against a hung workbench, not a timing: the checks take 8–10 minutes on a loaded 2-core machine.
else parts.push(await part('UI checks on the installed .vsix', ['test/e2e/ui/tour.mjs'], 20 * 60_000));
// package.mjs left production bundles in dist/; the development build is what the other tests use.
await part('development build', ['scripts/build.mjs'], 2 * 60_000);

let passed = 0;
let failed = 0;
for (const { name, status, tally } of parts) {
  passed += tally.passed;
  failed += tally.failed + (status !== 0 && tally.failed === 0 ? 1 : 0);
  console.log(`  ${status === 0 ? 'ok  ' : 'FAIL'} ${name}: ${tally.passed} passed, ${tally.failed} failed`);
}
console.log(`test:e2e took ${seconds(started)} s`);
// Alone on the last line, in the form CI reads: "e2e: N passed, N failed".
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
