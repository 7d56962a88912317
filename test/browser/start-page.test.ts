import { mkdirSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const { path: chromiumPath } = browserAvailability();
const SCREENSHOTS = 'test-results/screenshots';

describe.skipIf(!chromiumPath)('in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ households: 200 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('the start page shows the living registry', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/`);
    await expect.poll(() => page.locator('#stats').textContent()).toMatch(/200 oila/);
    await page.screenshot({ path: `${SCREENSHOTS}/start-page.png`, fullPage: true });
    await page.close();
  });

  it('the API documentation renders and can call the API', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/docs/`);
    await page.getByText('/api/households', { exact: true }).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/api-docs.png` });
    const summary = await page.evaluate(async () => (await fetch('/api/registry/summary')).json());
    expect(summary.households).toBe(200);
    await page.close();
  });
});
