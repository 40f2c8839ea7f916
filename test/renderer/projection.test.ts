import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { drawnCategories, projectionAtMargin, totalCounts } from '../../src/core/figures/projection';
import type { ProjectionFigure } from '../../src/core/figures/spec';
import type { TripletCategory } from '../../src/core/figures/tripletCategories';
import { readFixtures } from '../browser/figureFixtures';
import { openHarness, renderFigure, type HarnessSession } from '../browser/session';

// The projection's margin slider, moved as a user moves it in headless Chromium: the segments and
// the counts change as the core's pure functions say (src/core/figures/projection.ts), with no
// message to a host (there is no kernel in the page).

const fixtures = new Map(readFixtures().map((f) => [f.name, f.spec]));
const flat = fixtures.get('triplet-projection') as ProjectionFigure;
const deep = fixtures.get('triplet-projection-3d') as ProjectionFigure;

interface Shown {
  type: string;
  category: TripletCategory;
  name: string;
  color: string;
  /** The drawn triplets of the trace, as 'a,p,n' from its hover text. */
  triplets: string[];
}

/** The three segment traces plotly holds for output `id`. */
function segments(session: HarnessSession, id: string): Promise<Shown[]> {
  return session.page.evaluate((i) => {
    const data = (document.querySelector(`#output-${i} .losslab-plot`) as HTMLElement & { data: { type: string; meta?: string; name: string; line?: { color: string }; text?: string[] }[] }).data;
    return data
      .filter((trace) => trace.meta !== undefined)
      .map((trace) => ({
        type: trace.type,
        category: trace.meta as TripletCategory,
        name: trace.name,
        color: trace.line?.color ?? '',
        triplets: [...new Set((trace.text ?? []).filter((t) => t !== '').map((t) => /\((\d+), (\d+), (\d+)\)/.exec(t)?.slice(1).join(',') ?? t))],
      }));
  }, id);
}

/** What the pure functions say about the spec at `margin`: each category's drawn triplets and total count. */
function expected(spec: ProjectionFigure, margin: number): Record<TripletCategory, { triplets: string[]; total: number }> {
  const at = projectionAtMargin(spec, margin);
  const categories = drawnCategories(at);
  const totals = totalCounts(at);
  const out = { hard: { triplets: [] as string[], total: totals.hard }, semihard: { triplets: [] as string[], total: totals.semihard }, easy: { triplets: [] as string[], total: totals.easy } };
  categories.forEach((c, k) => out[c].triplets.push([spec.triplets.a[k], spec.triplets.p[k], spec.triplets.n[k]].join(',')));
  return out;
}

function assertShows(shown: Shown[], spec: ProjectionFigure, margin: number): void {
  const want = expected(spec, margin);
  assert.deepEqual(shown.map((s) => s.category), ['hard', 'semihard', 'easy']);
  for (const trace of shown) {
    assert.deepEqual(trace.triplets.slice().sort(), want[trace.category].triplets.slice().sort(), `${trace.category} at margin ${margin}`);
    assert.ok(trace.name.includes(`: ${want[trace.category].total} (${want[trace.category].triplets.length} drawn)`), `${trace.name} at margin ${margin}`);
  }
  assert.equal(new Set(shown.map((s) => s.color)).size, 3, 'three colours');
}

function title(session: HarnessSession, id: string): Promise<string> {
  return session.page.evaluate((i) => document.querySelector(`#output-${i} .gtitle`)?.textContent ?? '', id);
}

describe('projection figure: the margin slider recolours in the page', { timeout: 60_000 }, () => {
  let session: HarnessSession;
  before(async () => {
    assert.ok(flat && deep);
    session = await openHarness();
    await renderFigure(session.page, 'flat', flat);
    await renderFigure(session.page, 'deep', deep);
    await session.page.evaluate(() => window.harness.messages.splice(0));
  });
  after(async () => {
    await session?.close();
  });

  it('draws the segments at the spec margin, coloured as the pure function says', async () => {
    assertShows(await segments(session, 'flat'), flat, flat.margin);
    const shown = await segments(session, 'deep');
    assertShows(shown, deep, deep.margin);
    assert.ok(shown.every((s) => s.type === 'scatter3d'));
  });

  it('moving the slider with the keyboard and by its value recolours the segments and changes the counts, without a host message', async () => {
    const slider = session.page.locator('#output-flat .losslab-slider[data-name="margin"] input[type=range]');
    const titleBefore = await title(session, 'flat');
    const waitFor = async (margin: number): Promise<void> => {
      await session.page.waitForFunction((m) => document.querySelector('#output-flat .losslab-plot .gtitle')?.textContent?.includes(`at margin ${m}`) ?? false, String(margin));
    };
    await slider.focus();
    for (let i = 0; i < 40; i++) await session.page.keyboard.press('ArrowLeft');
    // 0.2 − 40 steps of 0.005: margin 0, where only easy and hard remain.
    assert.equal(Number(await slider.inputValue()), 0);
    await waitFor(0);
    let shown = await segments(session, 'flat');
    assertShows(shown, flat, 0);
    assert.equal(shown.find((s) => s.category === 'semihard')?.triplets.length, 0);
    assert.notEqual(await title(session, 'flat'), titleBefore);

    await slider.fill('0.8');
    await waitFor(0.8);
    shown = await segments(session, 'flat');
    assertShows(shown, flat, 0.8);
    const before = expected(flat, flat.margin);
    const moved = expected(flat, 0.8);
    assert.ok(moved.semihard.total > before.semihard.total && moved.easy.total < before.easy.total, 'a wider margin turns easy triplets semi-hard');
    assert.deepEqual(await session.page.evaluate(() => window.harness.messages.length), 0);
  });

  it('recolours the 3-D scene too', async () => {
    const slider = session.page.locator('#output-deep .losslab-slider[data-name="margin"] input[type=range]');
    await slider.fill('0.05');
    await session.page.waitForFunction(() => document.querySelector('#output-deep .losslab-plot .gtitle')?.textContent?.includes('at margin 0.05') ?? false);
    assertShows(await segments(session, 'deep'), deep, 0.05);
    assert.deepEqual(session.errors, []);
  });
});
