// A hostile notebook in the real workbench (issue 16): test/e2e/fixtures/hostile.lossnb, opened from
// the Explorer and run as a user does, tries to read the environment and files that are not data,
// to allocate past the element cap by every route around it, to leave the sandbox, to pass a cyclic
// object off as a figure, to exhaust time and memory, and to nest brackets 60,000 deep (read by the
// editor's checks on the extension host's thread as the notebook opens). Each payload must end in its error (or a
// plain value), nothing of code-server's environment may reach the screen or the saved notebook, and
// the extension host must still answer afterwards: a hover on qfl shows its formula, and a fresh
// cell `1 + 1` prints 2. The workspace is trusted (cells do not run in Restricted Mode at all), so the
// file payloads aim at what the policy refuses even then: /proc, /dev, FIFOs; a credentials file
// outside the workspace may be read, but its content never quoted. Screenshots:
// test-artifacts/e2e/ui/hostile-0N-*.png.
import { mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ROOT } from '../../workbench.mjs';

const NOTEBOOK = 'hostile.lossnb';
const FIXTURE = join(ROOT, 'test', 'e2e', 'fixtures', NOTEBOOK);

/** Small limits, so that the stops come within seconds; restored to the defaults afterwards. */
const LIMITS = [
  ['losslab.kernel.timeLimitSeconds', '5', '60'],
  ['losslab.kernel.memoryLimitMb', '128', '2048'],
  ['losslab.kernel.elementCap', '1000000', '10000000'],
];

/**
 * What the outputs must say, payload by payload (whitespace collapsed: long errors wrap). Each is
 * [what, pattern]; the messages are the policy's, the guard's and the sandbox's own sentences.
 */
const EXPECTED = [
  ['(g) brackets nested 60,000 deep: the parser\'s limit, said', /nests brackets 60000 deep, more than the parser can follow/],
  ['(a) a link to /proc/self/environ named .csv', /"env\.csv", which resolves to \/proc\/\d+\/environ/],
  ['(a) the same link named .json', /"env\.json", which resolves to \/proc\/\d+\/environ/],
  ['(a) /proc/self/environ by its absolute path', /not under \/proc, whose entries are not data files\), but is "\/proc\/self\/environ"/],
  ['(a) /proc/self/environ by a relative path out of the workspace', /but is "(\.\.\/)+proc\/self\/environ", which resolves to \/proc\//],
  ['(a) /dev/zero', /not under \/dev, whose entries are not data files\), but is "\/dev\/zero"/],
  ['(a) a FIFO', /"fifo\.npy", which is a FIFO \(named pipe\), not a regular file/],
  ['(a) a credentials .json outside the workspace, described, not quoted', /credentials\.json, api_key: expected a number or a nested array of numbers, but found a string of \d+ characters/],
  ['(a) a credentials .csv outside the workspace, described, not quoted', /credentials\.csv, line 2, column "token": expected a number, but found a \d+-character text/],
  ['(d) range("1:1e9")', /range\(…\) would hold 1,000,000,000 elements, more than the cap of 1,000,000/],
  ['(d) zeros of BigNumber sizes', /zeros\(…\) would hold 10,000,000,000 elements/],
  ['(d) ones of string sizes', /ones\(…\) would hold 10,000,000,000 elements/],
  ['(d) diag', /diag\(…\) would hold 100,000,000 elements/],
  ['(d) kron', /kron\(…\) would hold 62,500,000,000 elements/],
  ['(d) resize', /(^|[^.])resize\(…\) would hold 1,000,000,000 elements/],
  ['(d) matrixFromFunction', /matrixFromFunction\(…\) would hold 10,000,000,000 elements/],
  ['(d) a zero dimension', /ones\(…\) would hold 1,000,000,000 elements/],
  ['(d) allocations inside map callbacks', /map\(…\)'s callbacks have returned [\d,]+ elements so far, more than the cap of 1,000,000/],
  ['(d) the matrix method .resize', /\.resize\(…\) would hold 1,000,000,000 elements/],
  ['(d) index assignment far out', /\.subset\(…\) would hold 1,000,000,000 elements/],
  ['(d) assignment to length', /assigning to 'length' is not available in LossLab cells/],
  ['(d) a string doubled', /concat\(…\) would hold 1,048,576 elements/],
  ...['import', 'createUnit', 'evaluate', 'parse', 'simplify', 'compile', 'config', '__proto__'].map((name) => [`(f) ${name}`, new RegExp(`'${name}' is not available in LossLab cells`)]),
  ['(f) constructor chains', /'constructor' is not available in LossLab cells.*'constructor' is not available in LossLab cells/],
  ['(e) a spec-shaped object with a cycle prints as a plain object', /t`? = `?\{version: 1, kind: "table", columns: \[…\], rows: \(0\), me: \{…\}\}/],
  ['(e) a spec-shaped object whose toJSON fails prints as a plain object', /u`? = `?\{version: 1, kind: "plot", toJSON: boom\(\)\}/],
  ['(b) exponential recursion meets the time limit, which says the scope was reset', /TimeLimitExceeded.{0,40}time limit of 5 s \(setting losslab\.kernel\.timeLimitSeconds\) and was stopped\. The kernel was restarted, so the scope was reset/],
  ['(b) the scope was reset indeed', /Undefined symbol x/],
  ['(c) 40 values at the element cap meet the memory limit', /MemoryLimitExceeded.{0,40}more memory than the limit of 128 MB \(setting losslab\.kernel\.memoryLimitMb\)/],
];

/** How deep the generated cell nests its brackets (a 120 KB line, too long to keep in the fixture). */
const NESTING = 60_000;

/**
 * The fixture with one more cell, generated: brackets nested NESTING deep, which the editor's checks
 * (diagnostics, on the extension host's thread) read as soon as the notebook opens, and which took
 * them minutes when their bracket matching was quadratic.
 */
function hostileNotebook() {
  const notebook = JSON.parse(readFileSync(FIXTURE, 'utf8'));
  const nested = { kind: 'code', language: 'losslab', source: [`# hostile (g): brackets nested ${NESTING} deep\n`, `${'('.repeat(NESTING)}1${')'.repeat(NESTING)}`], outputs: [] };
  notebook.cells.splice(1, 0, nested);
  return notebook;
}

/** The code cells' first lines, in order: each cell's comment says what it tries. */
const heads = () => hostileNotebook().cells.map((cell) => cell.source[0].trim());

/**
 * Puts the payloads' files beside the notebook: links to the environment of whatever process reads
 * them, a FIFO (no writer: a blocking open would hang), and links to a credentials file outside the
 * workspace that holds the secret. Returns what to remove afterwards.
 */
function plantFiles(workspace, secret) {
  const outside = join(dirname(workspace), 'outside-the-workspace');
  mkdirSync(outside, { recursive: true });
  writeFileSync(join(outside, 'credentials.json'), `${JSON.stringify({ api_key: secret.value })}\n`);
  writeFileSync(join(outside, 'credentials.csv'), `token\n${secret.value}\n`);
  const planted = ['env.csv', 'env.json', 'fifo.npy', 'credentials.json', 'credentials.csv'].map((name) => join(workspace, name));
  for (const file of planted) rmSync(file, { force: true });
  symlinkSync('/proc/self/environ', join(workspace, 'env.csv'));
  symlinkSync('/proc/self/environ', join(workspace, 'env.json'));
  symlinkSync(join(outside, 'credentials.json'), join(workspace, 'credentials.json'));
  symlinkSync(join(outside, 'credentials.csv'), join(workspace, 'credentials.csv'));
  const fifo = spawnSync('mkfifo', [join(workspace, 'fifo.npy')], { encoding: 'utf8' });
  if (fifo.status !== 0) throw new Error(`mkfifo failed: ${fifo.stderr}`);
  writeFileSync(join(workspace, NOTEBOOK), `${JSON.stringify(hostileNotebook(), null, 2)}\n`);
  return [...planted, outside];
}

/**
 * The environments of the running LossLab kernels (processes of dist/kernelWorker.js), read from
 * /proc: the proof that the secret was there to leak.
 */
function kernelEnvironments() {
  const found = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (command.includes('kernelWorker.js')) found.push(readFileSync(`/proc/${pid}/environ`, 'utf8'));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

export default async function ({ page, check, workspace, ui, log, secret }) {
  const { closeAllEditors, palette, shoot, waitUntil } = ui;
  if (secret === undefined) throw new Error('hostile.mjs needs the tour\'s secret (test/e2e/ui/tour.mjs sets it on code-server)');
  const rows = page.locator('.notebook-editor .cell-list-container .monaco-list-row');
  const focusedSource = async () =>
    (await page.locator('.notebook-editor .cell-list-container .monaco-list-row.focused .view-lines').first().innerText({ timeout: 2_000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
  const leaks = (text) => [secret.value, `${secret.name}=`, 'PATH=/', 'HOME=/'].filter((marker) => text.includes(marker));
  /** Every output text seen while sweeping the notebook: the list renders only what is on screen. */
  let seen = '';
  let planted = [];

  try {
    await check('hostile: a hostile notebook opened from the Explorer runs every payload to its error, with the limits set small', 300_000, async () => {
      planted = plantFiles(workspace, secret);
      for (const [key, value] of LIMITS) await ui.setWorkspaceSetting(page, workspace, key, value);
      await closeAllEditors(page);
      await ui.openFromExplorer(page, NOTEBOOK);
      await page.locator('.notebook-toolbar-container').getByText('LossLab', { exact: true }).first().waitFor({ timeout: 60_000 });
      // Run All stops at the first cell that fails, as Jupyter does: the deeply nested one.
      await palette(page, 'Notebook: Run All');
      await waitUntil('Run All to stop at the nested cell', async () => {
        const text = (await ui.outputText(page)).replace(/\s+/g, ' ');
        return (/nests brackets/.test(text) && !(await ui.interruptButton(page).isVisible())) || { ok: false, text: text.slice(0, 300) };
      }, 90_000, 500);
      await shoot(page, 'hostile-01-run-all-stops-at-the-nested-cell');
      // Then each cell after it, the way a user goes on: Shift+Enter from cell to cell.
      const sources = heads();
      await rows.filter({ hasText: sources[0] }).first().locator('.view-lines').click();
      await page.keyboard.press('Escape');
      for (let i = 1; i < sources.length; i++) {
        await page.keyboard.press('ArrowDown');
        await waitUntil(`cell ${i + 1} to take the focus`, async () => (await focusedSource()).startsWith(sources[i]) || { ok: false, focused: (await focusedSource()).slice(0, 80) }, 10_000);
        if (i < 2) continue; // Run All ran these.
        // Ctrl+Enter runs the focused cell and keeps the focus; the runs queue one after another.
        await page.keyboard.press('Control+Enter');
        await page.keyboard.press('Escape');
      }
      const scrollOn = ui.notebookScroller(page, 600);
      const missing = () => EXPECTED.filter(([, pattern]) => !pattern.test(seen)).map(([what]) => what);
      await waitUntil(
        'every payload\'s outcome',
        async () => {
          seen += `\n${(await ui.outputText(page)).replace(/\s+/g, ' ')}`;
          if (missing().length === 0 && !(await ui.interruptButton(page).isVisible())) return true;
          await scrollOn();
          return { ok: false, missing: missing() };
        },
        240_000,
        750,
      );
      for (const [what] of EXPECTED) log(`  ${what}: as expected`);
      await shoot(page, 'hostile-02-every-payload-ran');
    });

    await check('hostile: nothing of code-server\'s environment reaches the outputs, the workbench or the saved notebook', 90_000, async () => {
      // The secret was there to take: every kernel inherited it from code-server.
      const environments = kernelEnvironments();
      if (environments.length === 0) throw new Error('no running LossLab kernel (kernelWorker.js) found in /proc');
      if (!environments.some((env) => env.split('\0').includes(`${secret.name}=${secret.value}`))) throw new Error(`the kernels do not have ${secret.name}: the check would prove nothing`);
      const inOutputs = leaks(seen);
      if (inOutputs.length > 0) throw new Error(`the outputs show ${inOutputs.join(', ')}`);
      for (const frame of page.frames()) {
        const found = leaks(await frame.content().catch(() => ''));
        if (found.length > 0) throw new Error(`the page (frame ${frame.url().slice(0, 80)}) holds ${found.join(', ')}`);
      }
      // Saved with its outputs, as a user who keeps the notebook would.
      const file = join(workspace, NOTEBOOK);
      const before = readFileSync(file, 'utf8');
      await page.keyboard.press('Control+S');
      const saved = await waitUntil('the notebook saved with its outputs', async () => {
        const text = readFileSync(file, 'utf8');
        return text !== before ? { ok: true, text } : { ok: false };
      }, 30_000, 500);
      const inFile = leaks(saved.text);
      if (inFile.length > 0) throw new Error(`the saved notebook holds ${inFile.join(', ')}`);
      log(`  ${environments.length} kernel(s) had ${secret.name}; ${seen.length} characters of outputs and the saved notebook (${saved.text.length} characters) hold none of it`);
    });

    await check('hostile: afterwards the extension host still answers a hover on qfl with its formula', 60_000, async () => {
      await page.keyboard.press('Escape');
      await ui.hoverFormula(page);
      await shoot(page, 'hostile-03-hover-after');
      await page.mouse.move(5, 5);
      await page.keyboard.press('Escape');
    });

    await check('hostile: afterwards a fresh cell 1 + 1 runs and prints 2', 90_000, async () => {
      await page.keyboard.press('Escape');
      await palette(page, 'Notebook: Insert Code Cell Above');
      const fresh = page.locator('.notebook-editor .cell-list-container .monaco-list-row.focused');
      await fresh.locator('.monaco-editor.focused').waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.type('1 + 1');
      await page.keyboard.press('Control+Enter');
      await fresh.locator('.codicon-notebook-state-success').waitFor({ state: 'visible', timeout: 60_000 });
      await waitUntil('2 under the fresh cell', async () => {
        const text = await ui.outputText(page);
        return /(^|\n)\s*`?2`?\s*(\n|$)/.test(text) || { ok: false, text: text.slice(0, 300) };
      }, 30_000, 500);
      await shoot(page, 'hostile-04-fresh-cell-runs');
    });
  } finally {
    await page.keyboard.press('Escape').catch(() => undefined);
    await palette(page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await closeAllEditors(page).catch(() => undefined);
    for (const [key, , value] of LIMITS) await ui.setWorkspaceSetting(page, workspace, key, value).catch(() => undefined);
    await closeAllEditors(page).catch(() => undefined);
    // The links and the FIFO would stay in the next modules' workspace otherwise.
    for (const file of planted) rmSync(file, { recursive: true, force: true });
  }
}
