import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateMonth } from '../../src/decisions/decision.service.ts';
import { expectAccessible } from '../support/accessibility.ts';
import { signInCitizen, signInStaff } from '../support/auth.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Issue 12, point 8 with point 3: a citizen reads a decision's explanation, follows its "report a mistake"
 * link for the income that decided it, says what is wrong and sees the done page; the officer of the
 * family's district finds the report in the change-request worklist with the fact and the agency named in
 * words, and sends it to that agency. Axe-clean in Uzbek Latin and Russian; no id or code on screen.
 */

const { path: chromiumPath } = browserAvailability();
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const WORDS = {
  'uz-Latn': { income: 'Daromad', tax: 'soliq' },
  ru: { income: 'Доходы', tax: 'налоговый комитет' },
} as const;

describe.skipIf(!chromiumPath)('report a mistake in a fact that decided', () => {
  let server: TestServer;
  let browser: Browser;
  let decisionId = 0;
  let citizenCookie = '';
  let citizenId = '';
  let officerCookie = '';

  beforeAll(async () => {
    server = await startTestServer({ households: 200 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
    const { db } = server.running.ctx.database;
    const config = server.running.ctx.config;
    const month = new Date().toISOString().slice(0, 7);
    await evaluateMonth(db, month, { trigger: 'manual' });
    // A decision whose explanation names income as a deciding fact, read as staff through the API.
    const staff = await signInStaff(db, config, 'report.finder');
    const decisions = await db
      .selectFrom('decision')
      .select(['id', 'household_id'])
      .orderBy('id')
      .limit(200)
      .execute();
    let householdId = '';
    for (const d of decisions) {
      const response = await fetch(`${server.baseUrl}/api/decisions/${d.id}?lang=en`, {
        headers: { cookie: staff.headers.cookie ?? '', 'x-himoya-purpose': 'casework' },
      });
      if (!response.ok) continue;
      const view = (await response.json()) as { summary: { facts: { fact: string | null }[] } };
      if (view.summary.facts.some((f) => f.fact === 'income')) {
        decisionId = Number(d.id);
        householdId = d.household_id;
        break;
      }
    }
    expect(decisionId, 'a decision decided by income').toBeGreaterThan(0);
    const member = await db
      .selectFrom('membership')
      .select('person_id')
      .where('household_id', '=', householdId)
      .where('valid_to', 'is', null)
      .where('relationship', '=', 'head')
      .executeTakeFirstOrThrow();
    const place = await db
      .selectFrom('household')
      .select('district_code')
      .where('id', '=', householdId)
      .executeTakeFirstOrThrow();
    citizenId = member.person_id;
    citizenCookie = (await signInCitizen(db, config, member.person_id)).headers.cookie ?? '';
    officerCookie =
      (
        await signInStaff(db, config, 'report.officer', [
          {
            role: 'district_officer',
            area: { kind: 'district', code: place.district_code },
            organisation: 'Hokimiyat',
          },
        ])
      ).headers.cookie ?? '';
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  async function open(cookie: string, language: string): Promise<Page> {
    const context = await browser.newContext();
    const [name = '', value = ''] = cookie.split('=');
    await context.addCookies([{ name, value, url: server.baseUrl }]);
    await context.addInitScript((lang) => localStorage.setItem('himoya.language', lang), language);
    return context.newPage();
  }

  async function shownText(page: Page): Promise<string> {
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
    return page.evaluate(() => document.body.innerText);
  }

  it('a citizen follows the fix link of an explanation, contests the income and sees the done page', async () => {
    for (const language of ['uz-Latn', 'ru'] as const) {
      // The account's language wins over the browser's at sign-in: the family reads this one.
      await server.running.ctx.database.db
        .updateTable('person')
        .set({ preferred_language: language })
        .where('id', '=', citizenId)
        .execute();
      const page = await open(citizenCookie, language);
      await page.goto(`${server.baseUrl}/citizen/decisions/${decisionId}`);
      await page.getByTestId('summary-fix').waitFor();
      const link = page.getByTestId('summary').locator('a[href^="/citizen/household/report?fact=income"]');
      expect(await link.getAttribute('href')).toBe(
        `/citizen/household/report?fact=income&decision=${decisionId}`,
      );
      await link.first().click();
      await page.waitForURL(/\/citizen\/household\/report\?fact=income/);
      await page.locator('#comment').waitFor();
      expect(await page.locator('#fact').isChecked()).toBe(true);
      await expectAccessible(page, `report-fact-form-${language}`);

      // Sent without a comment: the error summary, linked to the field, and still accessible.
      await page.locator('form button[type="submit"]').click();
      await page.locator('.error-summary').waitFor();
      await expectAccessible(page, `report-fact-errors-${language}`);

      await page.locator('#comment').fill(`The wage was stopped in March (${language}).`);
      await page.locator('form button[type="submit"]').click();
      await page.waitForURL(/\/citizen\/household\/report-sent\//);
      await page.getByTestId('reported-fact').waitFor();
      expect(await page.getByTestId('reported-fact').textContent()).toBe(WORDS[language].income);
      const text = await shownText(page);
      expect(text).not.toMatch(UUID);
      expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
      await expectAccessible(page, `report-fact-done-${language}`);

      // The household page lists the report and where it stands.
      await page.goto(`${server.baseUrl}/citizen/household`);
      await page.getByTestId('my-report').first().waitFor();
      await expectAccessible(page, `report-fact-household-${language}`);
      await page.context().close();
    }
  });

  it('the district officer sees it in the worklist with the agency named and sends it to that agency', async () => {
    const page = await open(officerCookie, 'ru');
    await page.goto(`${server.baseUrl}/staff/worklists/change-requests`);
    const entry = page.locator('a[href^="/staff/change-requests/"]', { hasText: WORDS.ru.income }).first();
    await entry.waitFor();
    expect(await entry.textContent()).toContain(WORDS.ru.tax);
    expect(await shownText(page)).toContain('The wage was stopped in March (ru).');
    await expectAccessible(page, 'report-fact-worklist-ru');

    await entry.click();
    await page.getByTestId('contest-comment').waitFor();
    const text = await shownText(page);
    expect(text).toContain(WORDS.ru.tax);
    expect(text).not.toMatch(UUID);
    expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    await expectAccessible(page, 'report-fact-review-ru');
    await page.getByRole('button', { name: new RegExp(WORDS.ru.tax) }).click();
    await page.getByText('Решение записано').waitFor();
    expect(await page.getByTestId('contest-status').textContent()).toContain(WORDS.ru.tax);
    await expectAccessible(page, 'report-fact-accepted-ru');
    await page.context().close();
  });
});
