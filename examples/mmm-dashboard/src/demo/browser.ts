import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether Debian's Chromium (or CHROMIUM_PATH) is installed. */
export const hasChromium = () => existsSync(CHROMIUM);

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Loads the dashboard like a person would: opens it, switches brands (navigations in the SPA), clicks the
 * scenario button, then leaves the page so the dashboard sends its beacon to the API.
 */
export async function visitDashboard(
  baseUrl: string,
  fixed: boolean,
  outDir: string,
  visits = 2,
): Promise<{ screenshots: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'mmm-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 800 },
  });
  const screenshots: string[] = [];
  try {
    for (let v = 0; v < visits; v++) {
      const page = await context.newPage();
      await page.goto(`${baseUrl}/${fixed ? '?fixed=1' : ''}`, { waitUntil: 'networkidle' });
      await page.waitForSelector('[data-ready="1"]', { timeout: 20_000 });
      for (const brand of ['2', '3']) {
        await page.selectOption('select[name=brand]', brand);
        await page.waitForSelector('[data-ready="1"]', { timeout: 20_000 });
      }
      await page.click('button[name=run-scenario]');
      await page.waitForSelector('[data-scenario]', { timeout: 20_000 });
      await page.waitForTimeout(300);
      if (v === 0) {
        const shot = join(outDir, 'dashboard.png');
        await page.screenshot({ path: shot, fullPage: true });
        screenshots.push(shot);
      }
      // Leaving the page turns it hidden: web-vitals reports LCP, CLS and INP and the beacon goes out.
      await page.goto('about:blank');
      await page.close();
    }
    await new Promise((r) => setTimeout(r, 500));
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { screenshots };
}
