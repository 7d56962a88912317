import { randomUUID } from 'node:crypto';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveOverride, createOverride } from '../../src/casework/override.service.ts';
import { evaluateMonth } from '../../src/decisions/decision.service.ts';
import { expectAccessible, SCREENSHOTS } from '../support/accessibility.ts';
import { signInCitizen, signInStaff } from '../support/auth.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Issue 12, point 3: on a 375 px phone a decision's first screen holds its three plain sentences (what,
 * why, what to do if a fact is wrong); the full trace is folded, the page stays under 1,500 px, and no
 * identifier is shown — for a citizen's offer, a citizen's decision and an officer's decision page.
 */

const { path: chromiumPath } = browserAvailability();
/** A 375 px wide phone with a 812 px tall screen (iPhone X/11 Pro/12 mini/13 mini). */
const PHONE = { width: 375, height: 812 };
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const LANGUAGES = ['uz-Latn', 'uz-Cyrl', 'ru', 'en'] as const;

/** The three sentences are in the first screen, the trace is folded, the page is short, no id is shown. */
async function expectPhoneExplanation(page: Page, name: string): Promise<void> {
  await page.getByTestId('summary-fix').waitFor();
  await page.screenshot({ path: `${SCREENSHOTS}/${name}-first-screen.png` });
  for (const id of ['summary-what', 'summary-why', 'summary-fix']) {
    const box = await page.getByTestId(id).boundingBox();
    expect(box, `${name}: ${id}`).not.toBeNull();
    expect(
      (box?.y ?? 0) + (box?.height ?? 0),
      `${name}: ${id} ends inside the first screen`,
    ).toBeLessThanOrEqual(PHONE.height);
    expect(((await page.getByTestId(id).textContent()) ?? '').length).toBeGreaterThan(10);
  }
  expect(await page.getByTestId('trace').evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
  expect(await page.getByTestId('explanation').isVisible()).toBe(false);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height, `${name}: page height`).toBeLessThan(1500);
  // The text a person sees (innerText leaves out the folded trace, which is checked unfolded below).
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
  const text = await page.evaluate(() => document.body.innerText);
  expect(text).not.toMatch(UUID);
  expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  await expectAccessible(page, name);
  // Unfolded, the trace is there, in people's words.
  await page.getByTestId('trace').locator('summary').click();
  await page.getByTestId('explanation').waitFor();
  const trace = (await page.getByTestId('explanation').textContent()) ?? '';
  expect(trace.length).toBeGreaterThan(100);
  expect(trace).not.toMatch(UUID);
  expect(trace).not.toMatch(/\b(true|false|boolean|count)\b/);
}

describe.skipIf(!chromiumPath)('a decision explained on a phone', () => {
  let server: TestServer;
  let browser: Browser;
  let decisionId = 0;
  let citizenCookie = '';
  let staffCookie = '';

  beforeAll(async () => {
    server = await startTestServer({ households: 200 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
    const { db } = server.running.ctx.database;
    const month = new Date().toISOString().slice(0, 7);
    await evaluateMonth(db, month, { trigger: 'manual' });
    // A payment the rules granted (an offer to the family), and one of its members.
    const granted = await db
      .selectFrom('decision')
      .select(['id', 'household_id'])
      .where('kind', '=', 'granted')
      .where('programme', '=', 'child_allowance')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    decisionId = Number(granted.id);
    const member = await db
      .selectFrom('membership')
      .select('person_id')
      .where('household_id', '=', granted.household_id)
      .where('valid_to', 'is', null)
      .executeTakeFirstOrThrow();
    const config = server.running.ctx.config;
    citizenCookie = (await signInCitizen(db, config, member.person_id)).headers.cookie ?? '';
    staffCookie = (await signInStaff(db, config, 'explain.officer')).headers.cookie ?? '';
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  async function phone(cookie: string, language: string): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE });
    const [name = '', value = ''] = cookie.split('=');
    await context.addCookies([{ name, value, url: server.baseUrl }]);
    await context.addInitScript((lang) => localStorage.setItem('himoya.language', lang), language);
    return context.newPage();
  }

  it('a citizen reads an offer: the three sentences first, the trace folded, in each language', async () => {
    for (const language of LANGUAGES) {
      const page = await phone(citizenCookie, language);
      await page.goto(`${server.baseUrl}/citizen/benefits/${decisionId}`);
      await expectPhoneExplanation(page, `explain-offer-${language}`);
      // A report-a-mistake link for a deciding fact.
      const report = page.getByTestId('summary').locator('a[href^="/citizen/household/report?fact="]');
      expect(await report.count()).toBeGreaterThan(0);
      await page.context().close();
    }
  });

  it("a citizen's decision page and an officer's decision page read the same way", async () => {
    const citizen = await phone(citizenCookie, 'ru');
    await citizen.goto(`${server.baseUrl}/citizen/decisions/${decisionId}`);
    await expectPhoneExplanation(citizen, 'explain-decision-citizen');
    expect((await citizen.getByTestId('explanation').textContent()) ?? '').not.toContain('не подтверждено');
    await citizen.context().close();

    const officer = await phone(staffCookie, 'uz-Latn');
    await officer.goto(`${server.baseUrl}/staff/decisions/${decisionId}`);
    await expectPhoneExplanation(officer, 'explain-decision-staff');
    await officer.context().close();
  });
  it('the decisions page marks the decision in force, the offer still waiting, and one an override replaced', async () => {
    const { db } = server.running.ctx.database;
    const granted = await db
      .selectFrom('decision')
      .select(['household_id', 'month'])
      .where('id', '=', decisionId)
      .executeTakeFirstOrThrow();
    // The account's language (Uzbek) is the one the page takes at sign-in.
    const page = await phone(citizenCookie, 'uz-Latn');
    await page.goto(`${server.baseUrl}/citizen/decisions`);
    const offered = page.locator(`[data-testid="decision"][data-current="yes"]`).filter({
      has: page.locator(`a[href="/citizen/decisions/${decisionId}"]`),
    });
    // Not "Granted" while the offer page says it waits for the family's answer.
    await expect.poll(() => offered.textContent()).toContain('Javobingiz kutilmoqda');
    expect(await offered.locator(`a[href="/citizen/benefits/${decisionId}"]`).count()).toBe(1);
    await expectAccessible(page, 'citizen-decisions-waiting');

    // An officer's override, approved by a second officer, replaces it for the same month.
    const override = {
      id: randomUUID(),
      householdId: granted.household_id,
      programme: 'child_allowance' as const,
      month: granted.month,
      amount: 450_000,
      reason: 'A third child was born; the civil registry record has not arrived yet',
      legalBasis: 'Child allowance regulation, discretion of the district department',
    };
    await createOverride(db, override, 'staff:district');
    const approved = await db
      .transaction()
      .execute((trx) => approveOverride(trx, override.id, 'staff:admin'));
    await page.reload();
    const replaced = page.locator(`[data-testid="decision"][data-current="no"]`).filter({
      has: page.locator(`a[href="/citizen/decisions/${decisionId}"]`),
    });
    await expect.poll(() => replaced.textContent()).toContain('Keyingi qaror bilan almashtirilgan');
    // Only a decision in force can be appealed or answered.
    expect(await replaced.locator('a[href^="/citizen/appeals/new/"]').count()).toBe(0);
    const now = page.locator(`[data-testid="decision"][data-current="yes"]`).filter({
      has: page.locator(`a[href="/citizen/decisions/${approved.decisionId}"]`),
    });
    expect(await now.count()).toBe(1);
    expect(await page.getByRole('heading', { name: 'Avvalgi qarorlar' }).count()).toBe(1);
    await expectAccessible(page, 'citizen-decisions-replaced');
    await page.context().close();
  });
});
