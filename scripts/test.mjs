// Runs every test file under test/ with Node's own runner. Node 20's runner cannot glob by
// itself, so the files are listed here; an empty list is an error, never a silent pass.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    // test/e2e runs inside a real VS Code (npm run test:e2e), not under Node's runner.
    if (entry.isDirectory()) return path === join('test', 'e2e') ? [] : findTests(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// Arguments may name test files or folders (a folder means every test file under it).
const only = process.argv.slice(2).flatMap((path) => (statSync(path).isDirectory() ? findTests(path) : [path]));
const files = (process.argv.length > 2 ? only : findTests('test')).sort();
if (files.length === 0) {
  console.error('scripts/test.mjs: no *.test.ts files found under test/');
  process.exit(1);
}
const setup = new URL('../test/helpers/setup.mjs', import.meta.url).href;
const result = spawnSync(process.execPath, ['--import', 'tsx', '--import', setup, '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
