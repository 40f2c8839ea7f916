// Outputs that read well in the real workbench: a cell with several outputs labels each with the
// line (and expression) it came from, a figure among them included; a long error is wrapped
// inside the cell's width instead of running off its right edge. Screenshots:
// test-artifacts/e2e/ui/outputs-0N-*.png.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NOTEBOOK = 'outputs-check.lossnb';
const MISSING = 'data/an-export-that-was-never-written-by-the-training-script.npz';
const CELLS = [
  ['x = [1, 2; 3, 4]\n', 'size(x)\n', 'sum(x)\n', 'plot(qfl(s, 0.5), s, 0.01, 0.99)'],
  [`d = load("${MISSING}")`],
];

export default async function ({ page, check, workspace, ui }) {
  const { output, outputText, shoot, waitUntil } = ui;
  const cells = CELLS.map((source) => ({ kind: 'code', language: 'losslab', source, outputs: [] }));
  writeFileSync(join(workspace, NOTEBOOK), `${JSON.stringify({ version: 1, cells }, null, 2)}\n`);

  await check('outputs: each of a cell\'s outputs says which line it came from, the figure too', 120_000, async () => {
    await ui.openFromExplorer(page, NOTEBOOK);
    await ui.palette(page, 'Notebook: Run All');
    const seen = await waitUntil(
      'the labelled outputs and the error',
      async () => {
        const text = await outputText(page);
        const ok = /line 2 · size\(x\)/.test(text) && /line 3 · sum\(x\)/.test(text) && /InputError/.test(text);
        return ok ? { ok, text } : { ok, text: text.slice(0, 600) };
      },
      60_000,
      500,
    );
    if (!/`?\[2, 2\]`?/.test(seen.text)) throw new Error(`size(x) does not print as [2, 2]: ${seen.text}`);
    const caption = output(page).locator('.losslab-figure .losslab-statement').first();
    await ui.reveal(page, caption);
    const label = (await caption.textContent()) ?? '';
    if (label !== 'line 4 · plot(qfl(s, 0.5), s, 0.01, 0.99)') throw new Error(`the figure's label reads "${label}"`);
    await shoot(page, 'outputs-01-statement-labels');
  });

  await check('outputs: a long error wraps inside the output instead of running off its right edge', 60_000, async () => {
    const error = output(page).locator('.traceback, pre', { hasText: 'InputError' }).first();
    await ui.reveal(page, error);
    const measured = await error.evaluate((element) => {
      const body = element.ownerDocument.body;
      const box = element.getBoundingClientRect();
      // Every line box of the text, measured with a Range: none may end right of the output.
      const range = element.ownerDocument.createRange();
      range.selectNodeContents(element);
      const right = Math.max(...Array.from(range.getClientRects(), (r) => r.right));
      return { lines: element.innerText.split('\n').length, right, outputRight: body.getBoundingClientRect().right, width: box.width, scrollWidth: element.scrollWidth, clientWidth: element.clientWidth };
    });
    if (measured.right > measured.outputRight + 1 || measured.scrollWidth > measured.clientWidth + 1) {
      throw new Error(`the error runs past the output's edge: ${JSON.stringify(measured)}`);
    }
    if (measured.lines < 2) throw new Error(`the long error is one line: ${JSON.stringify(measured)}`);
    const text = (await error.innerText()).replace(/\s+/g, ' ');
    if (!text.includes(MISSING)) throw new Error(`the error does not name the missing file whole: ${text}`);
    await shoot(page, 'outputs-02-long-error-wrapped');
  });
}
