/**
 * Renderer timings in headless Chromium (`node --import tsx bench/renderer.ts`): the first render
 * of each figure kind (plotly already loaded) and the slider redraw of a 1000-point curve with its
 * gradient (median over 100 updates). Prints one JSON line per measurement, like bench/timeOneWorkload.ts.
 */
import { openHarness, renderFigure } from '../test/browser/session';
import { readFixtures } from '../test/browser/figureFixtures';

async function main(): Promise<void> {
  const session = await openHarness();
  try {
    const fixtures = readFixtures();
    // Load plotly and warm the JIT once, so the figures below measure rendering alone.
    await renderFigure(session.page, 'warm-up', fixtures[0].spec);
    await session.page.evaluate(() => window.harness.dispose('warm-up'));
    for (const fixture of fixtures) {
      const times: number[] = [];
      for (let run = 0; run < 5; run++) {
        const started = Date.now();
        const ms = await session.page.evaluate(async ([id, spec]) => {
          const t0 = performance.now();
          await window.harness.render(id as string, spec);
          const elapsed = performance.now() - t0;
          window.harness.dispose(id as string);
          return elapsed;
        }, [fixture.name, fixture.spec] as const);
        times.push(Number.isFinite(ms) ? ms : Date.now() - started);
      }
      times.sort((a, b) => a - b);
      console.log(JSON.stringify({ workload: `renderer first render ${fixture.name}`, median_ms: round(times[2]), min_ms: round(times[0]) }));
    }
    const curves = fixtures.find((f) => f.name === 'curves-sliders');
    if (curves === undefined) throw new Error('the curves-sliders fixture is missing');
    await renderFigure(session.page, 'drag', curves.spec);
    const result = await session.page.evaluate(async () => {
      const output = document.getElementById('output-drag') as HTMLElement;
      const input = output.querySelector('.losslab-slider[data-name="beta"] input') as HTMLInputElement;
      const total: number[] = [];
      const core: number[] = [];
      for (let i = 0; i < 100; i++) {
        const done = new Promise<void>((resolve) =>
          output.addEventListener(
            'losslab-figure-update',
            (event) => {
              const detail = (event as CustomEvent<{ ms: number; computeMs: number }>).detail;
              total.push(detail.ms);
              core.push(detail.computeMs);
              resolve();
            },
            { once: true },
          ),
        );
        input.value = String(0.1 + (i % 39) * 0.1);
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await done;
      }
      total.sort((a, b) => a - b);
      core.sort((a, b) => a - b);
      return { median: total[50], min: total[0], core: core[50] };
    });
    console.log(JSON.stringify({ workload: 'renderer slider update (1000 points + gradient)', median_ms: round(result.median), min_ms: round(result.min), core_median_ms: round(result.core), budget_ms: 16 }));
  } finally {
    await session.close();
  }
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
