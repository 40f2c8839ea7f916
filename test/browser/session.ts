import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launch, offlinePage } from './browser';
import { buildHarness } from './build';
import { serve } from './server';

/** One browser, one server and one harness page for a test file; `close` tears them down. */
export interface HarnessSession {
  readonly browser: Browser;
  readonly page: Page;
  readonly url: string;
  readonly dir: string;
  /** Requests that tried to leave 127.0.0.1 (they were aborted). */
  readonly blocked: string[];
  /** Page errors and console errors. */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openHarness(): Promise<HarnessSession> {
  const dir = await buildHarness();
  const server = await serve(dir);
  const browser = await launch();
  try {
    const { page, blocked, errors } = await offlinePage(browser, server.url);
    await page.goto(`${server.url}/harness.html`);
    await page.evaluate(() => window.harnessReady);
    return { browser, page, url: server.url, dir, blocked, errors, close: async () => {
      await browser.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    } };
  } catch (error) {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Renders a spec as output `id` in the harness page and waits until plotly has drawn it. */
export async function renderFigure(page: Page, id: string, spec: unknown, width?: number): Promise<void> {
  await page.evaluate(([i, s, w]) => window.harness.render(i as string, s, w as number | undefined), [id, spec, width] as const);
  await page.waitForSelector(`#output-${id} .losslab-plot .main-svg`);
}
