// The README's first command, end to end, the way a new user meets it: `npm run demo` is started
// as typed, the URL it prints is opened in Chromium as printed, and Run All on the notebook that
// URL opens must run every code cell successfully and draw every figure. The other UI checks open
// notebooks by Quick Open, so they never took this route (where a wrong file URI once left Run All
// doing nothing: "Notebook not found" in the extension host).
//
//   node test/e2e/ui/demo.mjs
//
// Prints "demo route: N passed, N failed" last; exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launchBrowser, log, makeRunDir, step } from '../workbench.mjs';
import { FIGURE_CALL, checkRecorder, drawnFigures, notebookScroller, palette, shoot, waitUntil } from './ui.mjs';

const TOUR = join(ROOT, 'samples', 'gfl-tour.lossnb');
/** The printed URL: the workbench on 127.0.0.1 with its query (folder and payload). */
const URL_LINE = /http:\/\/127\.0\.0\.1:\d+\/\S*/;

/** The sample notebooks of the checkout, which the demo opens in place. */
const sampleFiles = () => readdirSync(join(ROOT, 'samples')).filter((name) => name.endsWith('.lossnb')).map((name) => join(ROOT, 'samples', name));

/** Positions of the tour's code cells, and how many of them draw a figure. */
function tourCells() {
  const cells = JSON.parse(readFileSync(TOUR, 'utf8')).cells;
  const source = (cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
  const code = cells.flatMap((cell, index) => (cell.kind === 'code' ? [index] : []));
  const figures = cells.filter((cell) => cell.kind === 'code' && FIGURE_CALL.test(source(cell))).length;
  return { code, figures };
}

/** Starts `npm run demo` in its own process group; resolves with the URL it prints, and the process. */
function startDemo(runDir) {
  const child = spawn('npm', ['run', 'demo'], {
    cwd: ROOT,
    detached: true,
    env: { ...process.env, LOSSLAB_DEMO_DIR: runDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  const url = new Promise((resolve, reject) => {
    const read = (chunk) => {
      printed += String(chunk);
      const match = URL_LINE.exec(printed);
      if (match !== null) resolve(match[0]);
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.on('exit', (code) => reject(new Error(`npm run demo exited (${code}) before printing a URL:\n${printed.slice(-2000)}`)));
  });
  return { child, url, printed: () => printed };
}

/** Ctrl-C, as a user stops it: the demo's handler stops code-server and its extension host. */
async function stopDemo(demo) {
  const pid = demo.child.pid;
  if (pid === undefined) return;
  const serverPid = /code-server is running \(pid (\d+)/.exec(demo.printed())?.[1];
  try {
    process.kill(-pid, 'SIGINT');
  } catch {
    // Gone already.
  }
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  for (const group of [pid, serverPid === undefined ? undefined : Number(serverPid)]) {
    if (group === undefined) continue;
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // Stopped by the handler, as it should be.
    }
  }
}

const { check, results, watch } = checkRecorder('demo-');

async function main() {
  // The demo opens the checkout's own samples: the check leaves them as it found them, and fails
  // if the demo saved into them (it turns VS Code in the browser's auto-save off).
  const samplesBefore = new Map(sampleFiles().map((file) => [file, readFileSync(file)]));
  const runDir = makeRunDir('demo-route');
  const demo = startDemo(join(runDir, 'demo'));
  let context;
  try {
    // The first run on a fresh machine installs code-server here (a few minutes).
    const url = await step('npm run demo prints its URL', 15 * 60_000, () => demo.url);
    log(`  ${url}`);
    context = await launchBrowser(join(runDir, 'browser'));
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(20_000);
    watch(page);

    await check('the printed URL opens the GFL tour as a notebook', 120_000, async () => {
      await page.goto(url, { waitUntil: 'domcontentloaded' });
      await page.locator('.notebook-editor .cell-list-container .code-cell-row').first().waitFor({ state: 'visible', timeout: 110_000 });
      const tab = await page.locator('.tabs-container .tab.active').first().textContent();
      if (!/gfl-tour\.lossnb/.test(tab ?? '')) throw new Error(`the active editor is "${tab}", not the GFL tour`);
      await shoot(page, 'demo-01-opened');
    });

    await check('Run All runs every code cell of the tour successfully and draws every figure', 240_000, async () => {
      const { code, figures } = tourCells();
      await palette(page, 'Notebook: Run All');
      const status = new Map();
      const drawn = new Map();
      // Sweeps down and back up until every code cell was seen finished: a cell scrolled past
      // before it ran is checked again on the way back.
      const scrollOn = notebookScroller(page, 960);
      await waitUntil(
        `all ${code.length} code cells to succeed and ${figures} figures to draw`,
        async () => {
          const rows = await page
            .locator('.notebook-editor .cell-list-container .monaco-list-row.code-cell-row')
            .evaluateAll((nodes) =>
              nodes.map((node) => ({
                index: Number(node.getAttribute('data-index')),
                success: node.querySelector('.codicon-notebook-state-success') !== null,
                error: node.querySelector('.codicon-notebook-state-error') !== null,
              })),
            );
          for (const row of rows) {
            if (row.error) throw new Error(`code cell ${row.index + 1} of the tour failed`);
            if (row.success) status.set(row.index, true);
          }
          for (const figure of await drawnFigures(page)) drawn.set(figure.key, figure);
          const pending = code.filter((index) => !status.has(index));
          const blank = [...drawn.values()].filter((figure) => figure.kind !== 'table' && figure.traces === 0);
          if (pending.length === 0 && drawn.size >= figures && blank.length === 0) return { ok: true };
          await scrollOn();
          return { ok: false, pending: pending.map((index) => index + 1), figures: drawn.size };
        },
        230_000,
        750,
      );
      log(`  ${status.size} code cells succeeded, ${drawn.size} figures drew`);
      await shoot(page, 'demo-02-run-all');
    });
  } finally {
    await context?.close().catch(() => undefined);
    await stopDemo(demo);
  }
  await check('the demo leaves the checkout\'s samples unchanged (nothing saved behind the user\'s back)', 10_000, async () => {
    const changed = [...samplesBefore].filter(([file, bytes]) => !readFileSync(file).equals(bytes)).map(([file]) => file);
    for (const file of changed) writeFileSync(file, samplesBefore.get(file));
    if (changed.length > 0) throw new Error(`the demo changed ${changed.join(', ')} (restored)`);
  });
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`demo route: ${passed} passed, ${failed} failed`);
  return failed;
}

main().then(
  (failed) => process.exit(failed === 0 ? 0 : 1),
  (error) => {
    console.error(`demo route: ${error instanceof Error ? error.message : String(error)}`);
    console.log('demo route: 0 passed, 1 failed');
    process.exit(1);
  },
);
