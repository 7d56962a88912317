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

  it('the API documentation renders and can call the API', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.baseUrl}/docs/`);
    await page.getByText('/api/households', { exact: true }).first().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: `${SCREENSHOTS}/api-docs.png` });
    // Trying the API from the documentation without signing in is refused, with the catalogue's error.
    const refused = await page.evaluate(async () => {
      const response = await fetch('/api/registry/summary');
      return { status: response.status, body: await response.json() };
    });
    expect(refused).toMatchObject({ status: 401, body: { error: { code: 'UNAUTHENTICATED' } } });
    await page.close();
  });
});
