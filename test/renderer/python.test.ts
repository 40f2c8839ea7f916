import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openHarness, renderFigure, type HarnessSession } from '../browser/session';

// The specs the Python package produced (test/fixtures/figures/python/, kept current by
// python/tests/test_fixtures.py), drawn by the real renderer bundle in headless Chromium: every
// kind draws, the curves the package leaves to the renderer are computed by the bundled core and
// follow a slider, and a spec of an unknown version shows a message instead of nothing.

const DIR = 'test/fixtures/figures/python';
const ARTIFACTS = 'test-artifacts/renderer/python';
const fixtures = readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { name: string; python: string; spec: { kind: string; version: number } });

/** QFL by its formula (Li et al. 2020): −[(1 − y)·ln(1 − σ) + y·ln σ]·|y − σ|^β. */
const qfl = (sigma: number, y: number, beta: number): number => -((1 - y) * Math.log(1 - sigma) + y * Math.log(sigma)) * Math.abs(y - sigma) ** beta;

type Plotted = HTMLElement & { data: { x?: number[]; y?: number[]; type?: string }[] };

describe('figures from the Python package in Chromium', { timeout: 90_000 }, () => {
  let session: HarnessSession;
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    session = await openHarness();
    for (const f of fixtures) await renderFigure(session.page, f.name, f.spec);
  });
  after(async () => {
    await session?.close();
  });

  it('draws every fixture, one per function, without errors, and saves a screenshot of each', async () => {
    const names = fixtures.map((f) => f.name);
    for (const name of ['dist', 'sides', 'curves', 'heatmap', 'hist', 'scatter', 'table', 'anchor_map', 'calibration']) assert.ok(names.includes(name), name);
    for (const f of fixtures) {
      const traces = await session.page.evaluate((i) => ((document.querySelector(`#output-${i} .losslab-plot`) as Plotted).data ?? []).length, f.name);
      assert.ok(traces >= 1, `${f.name}: ${traces} traces`);
      const status = await session.page.locator(`#output-${f.name} .losslab-status`).textContent();
      assert.equal(status, '', `${f.name}: ${status}`);
      await session.page.locator(`#output-${f.name}`).screenshot({ path: join(ARTIFACTS, `${f.name}.png`) });
    }
    assert.deepEqual(session.errors, []);
  });

  it('computes the curves the package left to the renderer, and they equal QFL by its formula', async () => {
    const data = await session.page.evaluate(() => (document.querySelector('#output-curves .losslab-plot') as Plotted).data.map((d) => ({ x: d.x ?? [], y: d.y ?? [] })));
    assert.equal(data.length, 2, 'the curve and its gradient');
    assert.equal(data[0].x.length, 199);
    data[0].x.forEach((s, i) => assert.ok(Math.abs(data[0].y[i] - qfl(s, 0.5, 2)) <= 1e-12 * (1 + data[0].y[i]), `y at s = ${s}`));
  });

  it('moves the curve with its beta slider, recomputed in the page', async () => {
    const slider = session.page.locator('#output-curves .losslab-slider[data-name="beta"] input[type=range]');
    const updated = session.page.evaluate(
      () => new Promise<string | undefined>((resolve) => document.getElementById('output-curves')?.addEventListener('losslab-figure-update', (e) => resolve((e as CustomEvent<{ error?: string }>).detail.error), { once: true })),
    );
    await slider.fill('0.5');
    assert.equal(await updated, undefined);
    await session.page.waitForFunction(() => {
      const d = (document.querySelector('#output-curves .losslab-plot') as Plotted).data[0];
      return d.y !== undefined && d.x !== undefined && Math.abs(d.y[10] - -(0.5 * Math.log(1 - d.x[10]) + 0.5 * Math.log(d.x[10])) * Math.abs(0.5 - d.x[10]) ** 0.5) < 1e-12;
    });
  });

  it('leaves the wheel over a 3-D scatter to the page, so a notebook scrolls past it', async () => {
    const graph = session.page.locator('#output-scatter3d .losslab-plot');
    await graph.scrollIntoViewIfNeeded();
    const eye = () => graph.evaluate((g) => JSON.stringify((g as HTMLElement & { _fullLayout: { scene: { camera: { eye: unknown } } } })._fullLayout.scene.camera.eye));
    const before = await eye();
    const box = await graph.boundingBox();
    assert.ok(box);
    await session.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // What the output webview sees: VS Code scrolls the notebook for wheel events not prevented.
    await session.page.evaluate(() => {
      (window as unknown as { wheels: boolean[] }).wheels = [];
      window.addEventListener('wheel', (e) => (window as unknown as { wheels: boolean[] }).wheels.push(e.defaultPrevented));
    });
    for (let i = 0; i < 5; i++) await session.page.mouse.wheel(0, 240);
    await session.page.waitForTimeout(300);
    assert.equal(await eye(), before, 'the camera did not zoom');
    const prevented = await session.page.evaluate(() => (window as unknown as { wheels: boolean[] }).wheels);
    assert.ok(prevented.length >= 1, 'the wheel events reached the window');
    assert.deepEqual(prevented.filter(Boolean), [], 'no wheel event was prevented');
  });

  it('shows why a spec of an unknown version is not drawn', async () => {
    const dist = fixtures.find((f) => f.name === 'dist');
    assert.ok(dist);
    await session.page.evaluate((spec) => window.harness.render('future', spec), { ...dist.spec, version: 2 });
    const note = session.page.locator('#output-future .losslab-unsupported');
    await note.waitFor();
    assert.match((await note.textContent()) ?? '', /spec has version 2, and this LossLab extension draws figure spec version 1\. Update the LossLab extension/);
    assert.equal(await session.page.locator('#output-future .losslab-plot').count(), 0);
    await session.page.evaluate((spec) => window.harness.render('pie', spec), { ...dist.spec, kind: 'pie' });
    assert.match((await session.page.locator('#output-pie .losslab-unsupported').textContent()) ?? '', /its kind "pie" is not one this version draws/);
  });
});
