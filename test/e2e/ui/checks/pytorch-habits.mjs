// A PyTorch habit in the real workbench: a cell indexes a matrix from 0, x[0, 0], and its error
// output says that positions start at 1, at the line and column of the 0; the editor underlines a
// keyword argument, softmax(x, dim=1), before anything runs. Screenshots:
// test-artifacts/e2e/ui/pytorch-habits-0N-*.png.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const NOTEBOOK = 'pytorch-habits.lossnb';

const cell = (source) => ({ kind: 'code', language: 'losslab', source, outputs: [] });

export default async function ({ page, check, workspace, ui }) {
  const { output, palette, shoot, waitUntil } = ui;
  writeFileSync(
    join(workspace, NOTEBOOK),
    `${JSON.stringify(
      {
        version: 1,
        metadata: { title: 'PyTorch habits' },
        cells: [cell(['x = [1, 2; 3, 4]\n', 'x[0, 0]']), cell(['p = softmax(x, dim=1)'])],
      },
      null,
      2,
    )}\n`,
  );
  const outputText = () => ui.outputText(page);

  await check('pytorch habits: x[0, 0] run in a cell says that positions start at 1, at line 2, column 3', 120_000, async () => {
    await ui.openFromExplorer(page, NOTEBOOK);
    await palette(page, 'Notebook: Run All');
    const text = await waitUntil(
      'the error output of x[0, 0]',
      async () => {
        // One line: a long error is wrapped at 80 columns.
        const seen = (await outputText()).replace(/\s+/g, ' ');
        return /positions start at 1/.test(seen) ? { ok: true, seen } : { ok: false, seen };
      },
      60_000,
      500,
    );
    // The error names where: the second line, the column of the 0 (x[0, 0] → column 3).
    if (!/line 2, column 3/.test(text.seen)) throw new Error(`the error does not name line 2, column 3: ${text.seen}`);
    if (!/x\[1, 1\] is the first element/.test(text.seen)) throw new Error(`the error does not show the LossLab way: ${text.seen}`);
    // Only the error: x = … is an assignment before the last statement, which shows nothing.
    if (!/^\s*IndexError: line 2, column 3: .*positions start at 1 in cells .*\s*$/.test(text.seen)) throw new Error(`expected the error alone: ${text.seen}`);
    await shoot(page, 'pytorch-habits-01-positions-start-at-1');
  });

  await check('pytorch habits: the editor underlines softmax(x, dim=1) before it runs, and its hover says {dim: 2}', 90_000, async () => {
    const cells = page.locator('.notebook-editor .cell-list-container .code-cell-row');
    const second = cells.nth(1);
    await second.scrollIntoViewIfNeeded();
    const squiggle = second.locator('.squiggly-error').first();
    await squiggle.waitFor({ state: 'attached', timeout: 30_000 });
    await squiggle.hover({ force: true });
    const hover = page.locator('.monaco-hover .hover-contents, .monaco-hover-content').filter({ hasText: 'keyword arguments' }).first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const message = await hover.innerText();
    if (!/softmax\(…, \{dim: 2\}\)/.test(message)) throw new Error(`the hover does not give the option object: ${message}`);
    await shoot(page, 'pytorch-habits-02-keyword-argument-underlined');
    await page.keyboard.press('Escape');
  });
}
