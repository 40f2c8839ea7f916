import { chromium, type Browser, type Page } from 'playwright-core';

/** Exactly the flags the project's CI uses for Debian's Chromium. */
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
}

/**
 * A page that may reach only `origin` (and data:/blob: URLs): any other request is aborted and
 * recorded, so a test can assert that nothing loads from the network. Page errors are recorded too.
 */
export async function offlinePage(browser: Browser, origin: string | undefined): Promise<{ page: Page; blocked: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
  // tsx keeps function names with an `__name` helper that exists in Node only; functions passed
  // to page.evaluate carry calls to it into the page.
  await page.addInitScript('globalThis.__name = (fn) => fn;');
  const blocked: string[] = [];
  const errors: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if ((origin !== undefined && url.startsWith(origin)) || url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('file:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return { page, blocked, errors };
}
