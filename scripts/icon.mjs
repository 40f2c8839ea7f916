// Renders media/icon.svg to the 128×128 media/icon.png the manifest points at (VS Code's
// marketplace wants a PNG), with Debian's Chromium through playwright-core. No downloads.
//   node scripts/icon.mjs [--chromium /usr/bin/chromium]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const flag = process.argv.indexOf('--chromium');
const executablePath = flag >= 0 ? process.argv[flag + 1] : (process.env.CHROMIUM ?? '/usr/bin/chromium');
const size = 128;

const svg = readFileSync(`${root}media/icon.svg`, 'utf8');
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: size, height: size }, deviceScaleFactor: 1 });
  await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: `${root}media/icon.png`, omitBackground: true });
  console.log(`wrote media/icon.png (${size}×${size}) from media/icon.svg`);
} finally {
  await browser.close();
}
