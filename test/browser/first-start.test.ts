import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listDemoCitizens } from '../../src/identity/demo-idp.service.ts';
import { expectAccessible } from '../support/accessibility.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const { path: chromiumPath } = browserAvailability();

/**
 * A fresh demo start as `npm start` makes it (small seed), browsed at 127.0.0.1 while PUBLIC_URL says
 * localhost: the citizen signs in, and finds an offer and a message that nobody arranged.
 */
describe.skipIf(!chromiumPath)('first start of the demo, in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    server = await startTestServer({ households: 60, publicHost: 'localhost' });
    origin = server.baseUrl.replace('localhost', '127.0.0.1');
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('signs a citizen in through 127.0.0.1, who sees an offer and a message with no manual step', async () => {
    // Nothing arranged: the demo OneID lists heads of households; take one the first start told of an offer.
    const { db } = server.running.ctx.database;
    const listed = await listDemoCitizens(db);
    const told = await db
      .selectFrom('notification as n')
      .innerJoin('person as p', 'p.id', 'n.person_id')
      .select('p.pinfl')
      .where('n.template', '=', 'offer.granted')
      .where('n.channel', '=', 'portal')
      .execute();
    const pinfls = new Set(told.map((r) => r.pinfl));
    const citizen = listed.find((c) => pinfls.has(c.pinfl));
    expect(citizen, 'a citizen on the demo OneID page with an offer').toBeDefined();

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${origin}/citizen`);
    expect(new URL(page.url()).hostname).toBe('127.0.0.1');
    await page.getByRole('link', { name: 'OneID orqali kirish' }).click();
    await page.waitForURL(/demo-idp/);
    await page
      .locator('li button')
      .filter({ hasText: citizen?.name ?? '' })
      .first()
      .click();
    await page.waitForURL((url) => url.pathname === '/citizen');
    await page.getByRole('heading', { name: /Assalomu alaykum/ }).waitFor();
    await expectAccessible(page, 'first-start-citizen-home');
    const base = new URL(page.url()).origin;

    await page.goto(`${base}/citizen/benefits`);
    await page.locator('li.card a[href^="/citizen/benefits/"]').first().waitFor();
    expect(await page.locator('li.card').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'first-start-offers');

    await page.goto(`${base}/citizen/notifications`);
    await page.locator('li.card').first().waitFor();
    expect(await page.locator('li.card').count()).toBeGreaterThan(0);
    await expectAccessible(page, 'first-start-notifications');

    // A bad link is the not-found page, not a success page.
    await page.goto(`${base}/citizen/apply/sent/xyz`);
    await page.getByRole('heading', { name: 'Sahifa topilmadi' }).waitFor();
    expect(await page.getByTestId('reference').count()).toBe(0);
    await expectAccessible(page, 'first-start-bad-link');
    await page.close();
  });

  it('shows a failed sign-in as a page in the chosen language, with a way back', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${origin}/citizen`);
    await page.getByRole('button', { name: 'Русский' }).click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('ru');
    // The state cookie of another browser, or none: what 127.0.0.1 used to show as raw JSON.
    const response = await page.goto(`${origin}/auth/citizen/callback?code=abc&state=def`);
    expect(response?.status()).toBe(400);
    await page.getByRole('heading', { name: 'Войти не удалось' }).waitFor();
    expect(await page.content()).not.toContain('OIDC_LOGIN_FAILED');
    await expectAccessible(page, 'first-start-sign-in-failed');
    await page.getByRole('link', { name: 'Попробовать войти ещё раз' }).click();
    await page.waitForURL(/demo-idp/);
    await page.close();
  });

  it('lists the demo accounts on the staff sign-in, and one signs in from there', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${origin}/staff`);
    await page.getByRole('heading', { name: 'Demo hisoblar' }).waitFor();
    await expectAccessible(page, 'first-start-staff-sign-in');
    await page.getByRole('button', { name: 'district hisobini tanlash' }).click();
    await page.getByRole('button', { name: 'Kirish', exact: true }).click();
    await page.getByRole('heading', { name: 'Xodimlar paneli' }).waitFor();
    await page.close();
  });
});
