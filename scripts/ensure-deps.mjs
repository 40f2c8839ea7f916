// Run first by `npm run demo` and `npm test`, so that on a fresh clone these two commands are all a
// new user types: a clean `npm ci` when node_modules is missing, or older than package-lock.json
// (a pull that changed the dependencies). npm writes node_modules/.package-lock.json at the end of
// every install, so its time stamp says when node_modules last matched a lock file.
//
//   node scripts/ensure-deps.mjs [--check]   (--check: only print what it would do)
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Why node_modules must be installed anew, or undefined when it is up to date. */
export function staleReason(repo = root) {
  const lock = join(repo, 'package-lock.json');
  const installed = join(repo, 'node_modules', '.package-lock.json');
  if (!existsSync(join(repo, 'node_modules'))) return 'node_modules is missing';
  if (!existsSync(installed)) return 'node_modules was not installed by npm (no node_modules/.package-lock.json)';
  if (statSync(lock).mtimeMs > statSync(installed).mtimeMs) return 'package-lock.json is newer than node_modules';
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = staleReason();
  if (reason === undefined) process.exit(0);
  if (process.argv.includes('--check')) {
    console.log(`would run npm ci: ${reason}`);
    process.exit(0);
  }
  console.log(`${reason}: installing the dependencies (npm ci)…`);
  // npm on Windows is a .cmd shim, which spawn runs only through a shell.
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error(`npm ci failed (exit ${result.status ?? result.signal}); fix the error above, then run the command again`);
    process.exit(result.status ?? 1);
  }
}
