// The notebook keys a Jupyter user presses, in a real workbench with LossLab installed: Ctrl+Enter
// runs the cell and stays on it, Shift+Enter runs it and moves to the next cell (nothing of
// LossLab's takes these keys over). Screenshots: test-artifacts/e2e/ui/keys-0N-*.png.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NOTEBOOK = 'keys-check.lossnb';
const SOURCES = ['a = 6 * 7', 'b = a + 1', 'c = 2 * b'];

const cell = (source) => ({ kind: 'code', language: 'losslab', source: [source], outputs: [] });

export default async function ({ page, check, workspace, ui }) {
  const { shoot, waitUntil } = ui;
  writeFileSync(join(workspace, NOTEBOOK), `${JSON.stringify({ version: 1, cells: SOURCES.map(cell) }, null, 2)}\n`);
  const rows = page.locator('.notebook-editor .cell-list-container .monaco-list-row');
  const outputText = () => ui.outputText(page);
  /** The source of the cell the notebook has focused (its list row carries `focused`), spaces as typed. */
  const focusedSource = async () =>
    (await page.locator('.notebook-editor .cell-list-container .monaco-list-row.focused .view-lines').first().innerText({ timeout: 2_000 }).catch(() => '')).replace(/\s+/g, ' ').trim();
  const shows = (pattern) => async () => pattern.test(await outputText()) || { ok: false, text: await outputText() };
  const focusedIs = async (source) => {
    const text = await focusedSource();
    if (text !== source) throw new Error(`the focused cell is "${text}", expected "${source}"`);
  };
  /** The execution count VS Code shows beside a cell, `[3]`, or `[ ]` before its first run. */
  const countOf = async (source) => {
    const text = await rows.filter({ hasText: source }).first().innerText({ timeout: 2_000 }).catch(() => '');
    return /\[(\d+| )\]/.exec(text)?.[1] ?? '?';
  };

  await check('keys: Ctrl+Enter runs the cell and keeps the focus on it', 90_000, async () => {
    await ui.openFromExplorer(page, NOTEBOOK);
    // The keys run a cell once the notebook has a kernel: LossLab's, chosen for it as the extension starts.
    await page.locator('.notebook-toolbar-container').getByText('LossLab', { exact: true }).first().waitFor({ timeout: 60_000 });
    const first = rows.filter({ hasText: SOURCES[0] }).first();
    await first.locator('.view-lines').click();
    await page.keyboard.press('End');
    await page.keyboard.press('Control+Enter');
    await waitUntil('a = 42 under the first cell', shows(/`?a`?\s*=\s*`?42`?/), 60_000, 250);
    await page.waitForTimeout(500);
    await focusedIs(SOURCES[0]);
    if ((await countOf(SOURCES[0])) !== '1') throw new Error(`the first cell shows [${await countOf(SOURCES[0])}], not [1]`);
    if (/`?b`?\s*=/.test(await outputText())) throw new Error('Ctrl+Enter ran the second cell too');
    await shoot(page, 'keys-01-ctrl-enter');
  });

  await check('keys: Shift+Enter runs the cell and moves to the next one', 90_000, async () => {
    // The focus is still on the first cell: run it again and move on, then run the second the same way.
    await page.keyboard.press('Shift+Enter');
    await waitUntil('the focus to move to the second cell', async () => (await focusedSource()) === SOURCES[1] || { ok: false, focused: await focusedSource() }, 20_000);
    await waitUntil('the first cell to run again, [2]', async () => (await countOf(SOURCES[0])) === '2' || { ok: false, count: await countOf(SOURCES[0]) }, 30_000);
    await page.keyboard.press('Shift+Enter');
    await waitUntil('b = 43 under the second cell', shows(/`?b`?\s*=\s*`?43`?/), 60_000, 250);
    await waitUntil('the focus to move to the third cell', async () => (await focusedSource()) === SOURCES[2] || { ok: false, focused: await focusedSource() }, 20_000);
    if (/`?c`?\s*=/.test(await outputText())) throw new Error('Shift+Enter ran the third cell before it was pressed there');
    await shoot(page, 'keys-02-shift-enter');
    await page.keyboard.press('Escape');
  });
}

