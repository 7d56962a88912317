import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveOverride, createOverride } from '../../src/casework/override.service.ts';
import { evaluateHousehold } from '../../src/decisions/decision.service.ts';
import { listDemoCitizens } from '../../src/identity/demo-idp.service.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const { path: chromiumPath } = browserAvailability();
const SCREENSHOTS = 'test-results/screenshots';

/** Zero WCAG 2.1 A/AA violations on the page as it is now. */
async function expectAccessible(page: Page, name: string): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const found = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(found, `axe on ${name} (${page.url()})`).toEqual([]);
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** A JSON client signed in as a demo staff account, for arranging data. */
async function staffClient(baseUrl: string, username: string) {
  const login = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'himoya-demo' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await response.json()) as T;
    if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(data)}`);
    return data;
  };
}

/** A granted decision for the household of the first citizen the demo OneID page lists; its id. */
async function arrangeOffer(server: TestServer): Promise<number> {
  const { db } = server.running.ctx.database;
  const [first] = await listDemoCitizens(db, 1);
  if (!first) throw new Error('no demo citizen');
  const head = await db
    .selectFrom('person as p')
    .innerJoin('membership as m', 'm.person_id', 'p.id')
    .select(['m.household_id'])
    .where('p.pinfl', '=', first.pinfl)
    .where('m.valid_to', 'is', null)
    .executeTakeFirstOrThrow();
  const month = new Date().toISOString().slice(0, 7);
  await evaluateHousehold(db, head.household_id, month);
  const granted = await db
    .selectFrom('decision')
    .select('id')
    .where('household_id', '=', head.household_id)
    .where('kind', '=', 'granted')
    .orderBy('id')
    .executeTakeFirst();
  if (granted) return Number(granted.id);
  const id = randomUUID();
  await createOverride(
    db,
    {
      id,
      householdId: head.household_id,
      programme: 'material_assistance',
      month,
      amount: 380_000,
      reason: 'The family lost its income after a flood',
      legalBasis: 'Material assistance regulation, discretion of the district department',
    },
    'staff:district',
  );
  const approved = await db.transaction().execute((trx) => approveOverride(trx, id, 'staff:admin'));
  return approved.decisionId ?? 0;
}

/** Keyboard only: Tab until the element is focused, then press Enter. */
async function tabTo(page: Page, locator: ReturnType<Page['locator']>, key = 'Enter'): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await locator.evaluate((el) => el === document.activeElement).catch(() => false)) {
      await page.keyboard.press(key);
      return;
    }
  }
  throw new Error(`could not reach ${locator} with Tab`);
}

describe.skipIf(!chromiumPath)('the web app in a real browser', () => {
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

  it('an officer proposes an override, cannot approve it herself, and a second officer approves it', async () => {
    const district = await staffClient(server.baseUrl, 'district');
    const found = await district<{ items: { id: string; head: { lastName: string } | null }[] }>(
      '/api/households?pageSize=1',
    );
    const household = found.items[0];
    expect(household).toBeDefined();
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.baseUrl}/staff`);
    await expectAccessible(page, 'staff-sign-in');
    await page.getByRole('button', { name: 'Kirish' }).click();
    await expect
      .poll(() => page.locator('.error-summary').textContent())
      .toContain('Foydalanuvchi nomini kiriting');
    await page.getByLabel('Foydalanuvchi nomi').fill('district');
    await page.getByLabel('Parol').fill('himoya-demo');
    await page.getByRole('button', { name: 'Kirish' }).click();
    await page.getByRole('heading', { name: 'Xodimlar paneli' }).waitFor();
    await expectAccessible(page, 'staff-home');

    await page.goto(`${server.baseUrl}/staff/households/${household?.id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    if (await page.getByText('nima uchun ochyapsiz', { exact: false }).count()) {
      await expectAccessible(page, 'staff-purpose');
      await page.locator('#purpose').check();
      await page.getByRole('button', { name: 'Yozuvni ochish' }).click();
    }
    await page.getByRole('link', { name: 'Istisno taklif qilish' }).click();
    await page.getByRole('heading', { name: 'Istisno taklif qilish' }).waitFor();
    await page.getByRole('button', { name: 'Tasdiqlashga yuborish' }).click();
    await page.locator('.error-summary a').first().waitFor();
    await expectAccessible(page, 'staff-override-errors');
    await page.getByLabel('Bolalar nafaqasi').check();
    await page.getByLabel('Oyiga so‘mdagi miqdor').fill('350000');
    await page.getByLabel('Sabab').fill('Oila boquvchisini yo‘qotdi, ma’lumotlar hali kelmagan');
    await page.getByLabel('Huquqiy asos').fill('VMQ 2023-yil 1-son, 12-band');
    await page.getByRole('button', { name: 'Tasdiqlashga yuborish' }).click();
    await page.getByRole('heading', { name: 'Istisno tasdiqlashga yuborildi' }).waitFor();
    await expectAccessible(page, 'staff-override-sent');

    await page.getByRole('link', { name: /Ikkinchi xodim/ }).click();
    await page.getByRole('button', { name: 'Tasdiqlash' }).first().click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toMatch(/\S/);
    const refusal = (await page.locator('.error-summary').textContent()) ?? '';
    await expectAccessible(page, 'staff-override-own-approval-refused');

    const admin = await (await browser.newContext()).newPage();
    await admin.goto(`${server.baseUrl}/staff/overrides`);
    await admin.getByLabel('Foydalanuvchi nomi').fill('admin');
    await admin.getByLabel('Parol').fill('himoya-demo');
    await admin.getByRole('button', { name: 'Kirish' }).click();
    await admin.getByRole('button', { name: 'Tasdiqlash' }).first().click();
    await admin.getByTestId('review-result').waitFor();
    expect(await admin.getByTestId('review-result').textContent()).toContain('Tasdiqlandi');
    await expectAccessible(admin, 'staff-override-approved');
    expect(refusal.length).toBeGreaterThan(20);
    await page.close();
    await admin.close();
  });

  it('a citizen signs in with OneID, reports a mistake and answers an offer, keyboard only, in three languages', async () => {
    // The citizen the demo OneID page lists first gets an offer: the rules' own, when the family is entitled
    // to something this month, else one an officer proposed and a second officer approved.
    const offerId = await arrangeOffer(server);
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.baseUrl}/citizen`);
    await expectAccessible(page, 'citizen-sign-in');
    await tabTo(page, page.getByRole('link', { name: 'OneID orqali kirish' }));
    await page.waitForURL(/demo-idp/);
    await expectAccessible(page, 'demo-oneid');
    await tabTo(page, page.locator('li button').first());
    await page.waitForURL((url) => !url.pathname.startsWith('/demo-idp'));
    await page.goto(`${server.baseUrl}/citizen`);
    await page.getByRole('heading', { name: /Assalomu alaykum/ }).waitFor();
    await expectAccessible(page, 'citizen-home');

    // Report a mistake: Tab/Enter/Space only.
    await tabTo(page, page.getByRole('link', { name: 'Oilam va uning ma’lumotlari' }));
    await page.getByRole('heading', { name: 'Mening oilam' }).waitFor();
    await expectAccessible(page, 'citizen-household');
    await tabTo(page, page.getByRole('link', { name: /xato haqida xabar berish/ }).first());
    await page.getByRole('button', { name: 'Xabarni yuborish' }).waitFor();
    await tabTo(page, page.getByRole('button', { name: 'Xabarni yuborish' }));
    await page.locator('.error-summary a').first().waitFor();
    await expectAccessible(page, 'citizen-report-errors');
    // A radio group is one Tab stop; the arrow keys choose within it (as a keyboard user does).
    await tabTo(page, page.locator('#field'), 'ArrowDown');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
    expect(await page.locator('#field-phone').isChecked()).toBe(true);
    await tabTo(page, page.locator('#value'), 'End');
    await page.keyboard.type('+998901234567');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Xabar yuborildi' }).waitFor();
    await expectAccessible(page, 'citizen-report-sent');

    // Languages: Cyrillic, then Russian; remembered across a reload.
    await tabTo(page, page.getByRole('button', { name: 'Ўзбекча' }));
    await page.getByRole('heading', { name: 'Хабар юборилди' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('uz-Cyrl');
    await expectAccessible(page, 'citizen-report-sent-cyrillic');
    await tabTo(page, page.getByRole('button', { name: 'Русский' }));
    await page.getByRole('heading', { name: 'Сообщение отправлено' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ru');
    await page.reload();
    await page.getByRole('heading', { name: 'Сообщение отправлено' }).waitFor();
    await expectAccessible(page, 'citizen-report-sent-russian');

    // The offer: open it, read why (the decision's explanation), accept it — keyboard only, in Russian.
    await page.goto(`${server.baseUrl}/citizen/benefits`);
    await page.getByRole('heading', { name: 'Мои пособия и предложения' }).waitFor();
    await expectAccessible(page, 'citizen-benefits');
    await tabTo(page, page.locator(`a[href$="/${offerId}"]`));
    await page.getByRole('heading', { name: 'Почему вам это предложено' }).waitFor();
    const explanation = page.getByTestId('explanation');
    await explanation.waitFor();
    expect(((await explanation.textContent()) ?? '').length).toBeGreaterThan(40);
    await expectAccessible(page, 'citizen-offer');
    await tabTo(page, page.getByRole('button', { name: 'Принять предложение' }));
    await page.getByText(/Вы приняли это предложение/).waitFor();
    await expectAccessible(page, 'citizen-offer-accepted');
    const answers = await server.running.ctx.database.db
      .selectFrom('offer_response')
      .select(['response'])
      .where('decision_id', '=', offerId)
      .execute();
    expect(answers).toEqual([{ response: 'accepted' }]);
    await page.close();
  });
});
