/**
 * Runner 1, `npm run test:vscode`: the extension-host suite (test/e2e/suite) in desktop VS Code
 * through @vscode/test-electron, for contributors with internet access or a local VS Code
 * (VSCODE_EXECUTABLE=/path/to/code uses that one instead of downloading). Two runs, as in
 * runner 2: a trusted workspace, then an untrusted one with a fresh user-data-dir.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
// @ts-expect-error: a plain .mjs helper without type declarations
import { buildSuite, ROOT, SUITE_ENTRY } from './buildSuite.mjs';

interface Results {
  passed: number;
  failed: number;
}

async function runMode(mode: 'trusted' | 'untrusted'): Promise<Results> {
  const scratch = mkdtempSync(path.join(tmpdir(), `losslab-vscode-${mode}-`));
  const workspace = path.join(scratch, 'workspace');
  mkdirSync(workspace, { recursive: true });
  cpSync(path.join(ROOT as string, 'samples'), path.join(workspace, 'samples'), { recursive: true });
  const resultsFile = path.join(ROOT as string, 'test-artifacts', 'e2e', `extension-host-${mode}.json`);
  rmSync(resultsFile, { force: true });
  try {
    await runTests({
      ...(process.env.VSCODE_EXECUTABLE === undefined ? {} : { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE }),
      extensionDevelopmentPath: ROOT as string,
      extensionTestsPath: SUITE_ENTRY as string,
      extensionTestsEnv: { LOSSLAB_E2E_MODE: mode, LOSSLAB_E2E_RESULTS: resultsFile },
      launchArgs: [
        workspace,
        '--user-data-dir', path.join(scratch, 'user-data'),
        '--extensions-dir', path.join(scratch, 'extensions'),
        '--disable-extensions',
        ...(mode === 'trusted' ? ['--disable-workspace-trust'] : []),
      ],
    });
  } catch (error) {
    console.error(`test:vscode (${mode}): ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  try {
    return JSON.parse(readFileSync(resultsFile, 'utf8')) as Results;
  } catch {
    return { passed: 0, failed: 1 };
  }
}

async function main(): Promise<number> {
  await buildSuite();
  let passed = 0;
  let failed = 0;
  for (const mode of ['trusted', 'untrusted'] as const) {
    const results = await runMode(mode);
    passed += results.passed;
    failed += results.failed;
  }
  console.log(`extension-host suite (VS Code desktop): ${passed} passed, ${failed} failed`);
  return failed === 0 && passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
