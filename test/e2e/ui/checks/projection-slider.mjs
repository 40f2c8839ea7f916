// The mined-triplet projection in the real workbench: samples/debug-embeddings.lossnb is opened
// from the Explorer and run; its triplet_projection figure's margin slider is moved, and the
// counts in the figure's title change as a wider margin says they must (easy triplets turn
// semi-hard, the hard ones stay), drawn by the renderer without a kernel round trip.
// Screenshots: test-artifacts/e2e/ui/projection-slider-NN-*.png.
import { join } from 'node:path';

const NOTEBOOK = 'debug-embeddings.lossnb';
/** `hard 2799 · semi-hard 688 · easy 55649 of 59136 at margin 0.2` in the figure's title. */
const COUNTS = /hard (\d+) · semi-hard (\d+) · easy (\d+) of (\d+) at margin ([\d.]+)/;

export default async function ({ page, check, workspace, ui, log }) {
  const { closeAllEditors, expectedFigures, notebookScroller, openFromExplorer, output, reveal, runAllAndCollect, shoot, waitUntil } = ui;
  const figure = output(page).locator('.losslab-figure[data-kind="projection"]').first();
  const slider = figure.locator('.losslab-slider[data-name="margin"] input[type=range]');
  const counts = async () => {
    const title = (await figure.locator('.gtitle').first().textContent({ timeout: 2_000 }).catch(() => '')) ?? '';
    const m = COUNTS.exec(title);
    return m === null ? undefined : { hard: Number(m[1]), semihard: Number(m[2]), easy: Number(m[3]), total: Number(m[4]), margin: Number(m[5]) };
  };

  await check('projection slider: the margin slider of debug-embeddings’ triplet projection recolours it and changes its counts', 300_000, async () => {
    await closeAllEditors(page);
    // The samples sit in a folder of the workspace: open it in the Explorer first.
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: NOTEBOOK }).first();
    if (!(await row.isVisible().catch(() => false))) {
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^samples$/ }).first().click({ timeout: 10_000 });
      await row.waitFor({ state: 'visible', timeout: 10_000 });
    }
    await openFromExplorer(page, NOTEBOOK);
    await runAllAndCollect(page, expectedFigures(join(workspace, 'samples', NOTEBOOK)));
    const failed = await page.locator('.notebook-editor .codicon-notebook-state-error').count();
    if (failed > 0) throw new Error(`${failed} cell(s) of ${NOTEBOOK} failed`);

    const scrollOn = notebookScroller(page, 600);
    const before = await waitUntil(
      'the projection figure to draw with its counts',
      async () => {
        const shown = await counts();
        if (shown !== undefined) return { ok: true, shown };
        const titles = await output(page).locator('.losslab-figure .gtitle').allTextContents().catch(() => []);
        await scrollOn();
        return { ok: false, titles };
      },
      150_000,
      400,
    );
    await reveal(page, slider);
    await shoot(page, 'projection-slider-01-margin-0.2');
    const segmentsBefore = await figure.locator('.losslab-plot').evaluate((graph) => graph.data.filter((t) => t.meta !== undefined).map((t) => `${t.meta} ${t.text.filter((s) => s !== '').length / 4}`));

    await slider.fill('0.6');
    const after = await waitUntil(
      'the counts at margin 0.6',
      async () => {
        const shown = await counts();
        return { ok: shown !== undefined && shown.margin === 0.6, shown };
      },
      20_000,
      250,
    );
    const segmentsAfter = await figure.locator('.losslab-plot').evaluate((graph) => graph.data.filter((t) => t.meta !== undefined).map((t) => `${t.meta} ${t.text.filter((s) => s !== '').length / 4}`));
    await shoot(page, 'projection-slider-02-margin-0.6');
    const [b, a] = [before.shown, after.shown];
    log(`  margin ${b.margin} → ${a.margin}: hard ${b.hard} → ${a.hard}, semi-hard ${b.semihard} → ${a.semihard}, easy ${b.easy} → ${a.easy} of ${a.total}; drawn ${segmentsBefore.join(', ')} → ${segmentsAfter.join(', ')}`);
    if (b.margin !== 0.2) throw new Error(`the figure started at margin ${b.margin}, not the cell's 0.2`);
    if (a.total !== b.total || a.hard + a.semihard + a.easy !== a.total) throw new Error(`the counts do not add up: ${JSON.stringify({ b, a })}`);
    if (!(a.semihard > b.semihard && a.easy < b.easy && a.hard === b.hard)) throw new Error(`a wider margin should turn easy triplets semi-hard and keep the hard ones: ${JSON.stringify({ b, a })}`);
    // The drawn triplets are the hardest 300, all hard here (2799 are): their colour stays, as it must.
    if (segmentsAfter.join() !== segmentsBefore.join()) throw new Error(`the hard triplets drawn changed colour: ${segmentsBefore.join(', ')} → ${segmentsAfter.join(', ')}`);
    await page.keyboard.press('Escape');
  });

  await check('projection slider: on the sampled 3-D projection, the slider moves segments from easy to semi-hard', 120_000, async () => {
    const sampled = output(page).locator('.losslab-figure[data-kind="projection"]').nth(1);
    const sampledSlider = sampled.locator('.losslab-slider[data-name="margin"] input[type=range]');
    const scrollOn = notebookScroller(page, 600);
    await waitUntil(
      'the sampled projection to draw',
      async () => {
        if ((await sampledSlider.boundingBox().catch(() => null)) !== null) return true;
        await scrollOn();
        return { ok: false };
      },
      60_000,
      400,
    );
    await reveal(page, sampledSlider);
    const drawnPerCategory = () =>
      sampled.locator('.losslab-plot').evaluate((graph) => Object.fromEntries(graph.data.filter((t) => t.meta !== undefined).map((t) => [t.meta, t.text.filter((s) => s !== '').length / 4])));
    const before = await drawnPerCategory();
    await shoot(page, 'projection-slider-03-sample-margin-0.2');
    await sampledSlider.fill('0.6');
    const after = await waitUntil(
      'the sampled segments to recolour',
      async () => {
        const now = await drawnPerCategory();
        return { ok: now.semihard > before.semihard, now };
      },
      20_000,
      250,
    );
    await shoot(page, 'projection-slider-04-sample-margin-0.6');
    log(`  sampled, drawn per category at margin 0.2 → 0.6: ${JSON.stringify(before)} → ${JSON.stringify(after.now)}`);
    if (after.now.hard !== before.hard || after.now.easy >= before.easy) throw new Error(`expected easy → semi-hard only: ${JSON.stringify({ before, after: after.now })}`);
    await page.keyboard.press('Escape');
  });
  await closeAllEditors(page).catch(() => undefined);
}
