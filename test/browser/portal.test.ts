import { randomUUID } from 'node:crypto';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordMahallaOpinion, recordQuestionnaire } from '../../src/casework/application.service.ts';
import { approveOverride, createOverride } from '../../src/casework/override.service.ts';
import { evaluateHousehold } from '../../src/decisions/decision.service.ts';
import { listDemoCitizens } from '../../src/identity/demo-idp.service.ts';
import { createStaffAccount } from '../../src/identity/staff.service.ts';
import { expectAccessible } from '../support/accessibility.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { staffClient } from '../support/staff-client.ts';

const { path: chromiumPath } = browserAvailability();

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

/** A 1×1 PNG, for the upload. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

/** Signs in as the first demo citizen, keyboard only, and lands on the citizen home. */
async function signInCitizen(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/citizen`);
  await tabTo(page, page.getByRole('link', { name: 'OneID orqali kirish' }));
  await page.waitForURL(/demo-idp/);
  await tabTo(page, page.locator('li button').first());
  await page.waitForURL((url) => !url.pathname.startsWith('/demo-idp'));
  await page.goto(`${baseUrl}/citizen`);
  await page.getByRole('heading', { name: /Assalomu alaykum/ }).waitFor();
}

describe.skipIf(!chromiumPath)('the web app in a real browser', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ households: 200 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
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

    // Four eyes: on her own proposal she is not offered Approve, only told a second officer must, and may withdraw.
    await page.getByRole('link', { name: /Ikkinchi xodim/ }).click();
    await page.getByTestId('own-proposal').first().waitFor();
    const refusal = (await page.getByTestId('own-proposal').first().textContent()) ?? '';
    expect(refusal).toContain('boshqa xodim tasdiqlashi kerak');
    expect(await page.getByRole('button', { name: 'Tasdiqlash', exact: true }).count()).toBe(0);
    await expectAccessible(page, 'staff-override-own-proposal');

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
    // No id on the page: the report is named by its date.
    expect(await page.getByTestId('reported-on').textContent()).toMatch(/\d{4}/);
    expect((await page.locator('main').textContent()) ?? '').not.toMatch(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i,
    );
    await expectAccessible(page, 'citizen-report-sent');

    // Languages: Cyrillic, then Russian; remembered across a reload.
    await tabTo(page, page.getByRole('button', { name: 'Ўзбекча' }));
    await page.getByRole('heading', { name: 'Хабар юборилди' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('uz-Cyrl');
    // The old transliteration bugs: "yo'q" as "ёъқ", a hard sign ending a word.
    expect((await page.locator('body').textContent()) ?? '').not.toMatch(/ёъ|[а-яёўқғҳ]ъ(?![а-яёўқғҳ])/i);
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
    // Three plain sentences first (what, why, what to do if a fact is wrong); the full trace folded below.
    await page.getByTestId('summary-why').waitFor();
    expect(((await page.getByTestId('summary-why').textContent()) ?? '').length).toBeGreaterThan(20);
    const explanation = page.getByTestId('explanation');
    await explanation.waitFor({ state: 'attached' });
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
    // The choice is kept on the account (the next sign-in, in any browser, is in Russian); the tests that
    // follow sign the same citizen in and read Uzbek, so the family's language goes back to Uzbek Latin.
    const { db } = server.running.ctx.database;
    const [first] = await listDemoCitizens(db, 1);
    const kept = await db
      .selectFrom('person')
      .select('preferred_language')
      .where('pinfl', '=', first?.pinfl ?? '')
      .executeTakeFirstOrThrow();
    expect(kept.preferred_language).toBe('ru');
    await db
      .updateTable('person')
      .set({ preferred_language: 'uz-Latn' })
      .where('pinfl', '=', first?.pinfl ?? '')
      .execute();
    await page.close();
  });

  it('a citizen applies, follows the application, uploads a document and appeals a decision, keyboard only', async () => {
    const decisionId = await arrangeOffer(server);
    const page = await (await browser.newContext()).newPage();
    await signInCitizen(page, server.baseUrl);

    // Apply: one question, then check and send; the page says one application checks every benefit.
    await tabTo(page, page.getByRole('link', { name: 'Yordam so‘rab ariza berish' }));
    await page.getByRole('heading', { name: 'Oilangiz uchun yordam so‘rab ariza berish' }).waitFor();
    expect(await page.getByTestId('composite').textContent()).toContain('barcha dasturlar');
    await tabTo(page, page.getByRole('button', { name: 'Davom etish' }));
    await page.locator('.error-summary a').first().waitFor();
    await expectAccessible(page, 'citizen-apply-errors');
    await tabTo(page, page.locator('#programme'), 'ArrowDown');
    expect(await page.locator('#programme-child_allowance').isChecked()).toBe(true);
    await tabTo(page, page.getByRole('button', { name: 'Davom etish' }));
    await page.getByRole('heading', { name: 'Arizangizni tekshiring' }).waitFor();
    await expectAccessible(page, 'citizen-apply-check');
    await tabTo(page, page.getByRole('button', { name: 'Arizani yuborish' }));
    await page.getByRole('heading', { name: 'Ariza yuborildi' }).waitFor();
    // The citizen sees a short reference (A-2026-004213), never the id; the id is in the address.
    expect(await page.getByTestId('reference').textContent()).toMatch(/^A-\d{4}-\d{6}$/);
    const applicationId = new URL(page.url()).pathname.split('/').pop() ?? '';
    await expectAccessible(page, 'citizen-apply-sent');

    // Documents for the application: a wrong type is refused in the error summary, a PNG is uploaded.
    await tabTo(page, page.getByRole('link', { name: 'Ushbu ariza uchun hujjatlarni yuklash' }));
    await page.getByRole('heading', { name: 'Hujjatlarni yuklash' }).waitFor();
    await tabTo(page, page.getByRole('button', { name: 'Faylni yuklash' }));
    await expect
      .poll(() => page.locator('.error-summary').textContent())
      .toContain('Yuklash uchun faylni tanlang');
    await page
      .locator('#file')
      .setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    await tabTo(page, page.getByRole('button', { name: 'Faylni yuklash' }));
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('PDF, JPEG yoki PNG');
    await expectAccessible(page, 'citizen-documents-errors');
    await page.locator('#file').setInputFiles({ name: 'passport.png', mimeType: 'image/png', buffer: PNG });
    await tabTo(page, page.getByRole('button', { name: 'Faylni yuklash' }));
    await page.getByTestId('documents').getByText('passport.png').waitFor();
    expect(await page.getByTestId('upload-status').textContent()).toContain('passport.png');
    await expectAccessible(page, 'citizen-documents');

    // The social worker and the mahalla committee move it on: the final assessment falls due.
    const { db } = server.running.ctx.database;
    await recordQuestionnaire(db, applicationId, 'staff:worker1');
    const advanced = await recordMahallaOpinion(db, applicationId, true, 'staff:worker1');
    await tabTo(page, page.getByRole('link', { name: 'Orqaga' }));
    await page.getByRole('heading', { name: 'Mening arizalarim' }).waitFor();
    const card = page.getByTestId('application').filter({ hasText: 'Bolalar nafaqasi' }).first();
    await card.waitFor();
    // The list may first show what it had cached, then what the server says now: wait for the latter.
    await expect
      .poll(() => card.getByTestId('due-on').textContent())
      .toContain(String(advanced.dueOn).slice(0, 4));
    await expect
      .poll(() => card.locator('[aria-current="step"]').textContent())
      .toContain('Qaror qabul qilindi');
    expect(await card.textContent()).toMatch(/Muddatida|Muddati o‘tgan/);
    await expectAccessible(page, 'citizen-applications');

    // An appeal on a decision about the family, from the list of decisions.
    await page.goto(`${server.baseUrl}/citizen/decisions`);
    await page.getByRole('heading', { name: 'Oilam haqidagi qarorlar' }).waitFor();
    await expectAccessible(page, 'citizen-decisions');
    await tabTo(page, page.locator(`a[href="/citizen/appeals/new/${decisionId}"]`));
    await page.getByRole('heading', { name: 'Qarorga shikoyat qilish' }).waitFor();
    await tabTo(page, page.getByRole('button', { name: 'Shikoyatni yuborish' }));
    await page.locator('.error-summary a').first().waitFor();
    await expectAccessible(page, 'citizen-appeal-errors');
    await tabTo(page, page.locator('#grounds'), 'End');
    await page.keyboard.type('Oilamizda uch bola bor, daromad noto‘g‘ri hisoblangan');
    await tabTo(page, page.getByRole('button', { name: 'Shikoyatni yuborish' }));
    await page.getByRole('heading', { name: 'Shikoyat yuborildi' }).waitFor();
    await expectAccessible(page, 'citizen-appeal-sent');
    await tabTo(page, page.getByRole('link', { name: 'Mening shikoyatlarim' }));
    await page.getByRole('heading', { name: 'Mening shikoyatlarim' }).waitFor();
    const appeal = page
      .getByTestId('appeal')
      .filter({ hasText: `№ ${decisionId}` })
      .first();
    await expect.poll(() => appeal.textContent()).toContain('Yuborildi');
    expect(await appeal.textContent()).toContain('Javob muddati');
    await expectAccessible(page, 'citizen-appeals');

    await page.goto(`${server.baseUrl}/citizen/cases`);
    await page.getByRole('heading', { name: 'Oilamda nima bo‘ldi' }).waitFor();
    await page.locator('.loading').waitFor({ state: 'detached' });
    await expectAccessible(page, 'citizen-cases');
    await page.close();
  });

  it('at 200% zoom the citizen pages reflow without horizontal scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 640, height: 800 }, deviceScaleFactor: 2 });
    const page = await context.newPage();
    await signInCitizen(page, server.baseUrl);
    for (const path of ['/citizen', '/citizen/apply', '/citizen/applications', '/citizen/documents']) {
      await page.goto(`${server.baseUrl}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.locator('.loading').first().waitFor({ state: 'detached' });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.goto(`${server.baseUrl}/citizen`);
    await page.getByRole('heading', { name: /Assalomu alaykum/ }).waitFor();
    await expectAccessible(page, 'citizen-home-zoom-200');
    await context.close();
  });

  it('an auditor sees the audit chain intact and filters the log; a district officer opens the duplicates', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.baseUrl}/staff/audit`);
    await page.getByLabel('Foydalanuvchi nomi').fill('auditor');
    await page.getByLabel('Parol').fill('himoya-demo');
    await page.getByRole('button', { name: 'Kirish' }).click();
    await page.getByRole('heading', { name: 'Audit jurnali' }).waitFor();
    await page.getByTestId('audit-verify').waitFor();
    expect(await page.getByTestId('audit-verify').textContent()).toContain('Buzilmagan');
    await page.locator('table tbody tr').first().waitFor();
    await expectAccessible(page, 'staff-audit');
    await page.getByLabel('Dan (sana)').fill('yesterday');
    await page.getByRole('button', { name: 'Yozuvlarni ko‘rsatish' }).click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('2026-11-25');
    await expectAccessible(page, 'staff-audit-errors');
    await page.getByLabel('Dan (sana)').fill(new Date().toISOString().slice(0, 10));
    await page.getByLabel('Harakat').fill('registry.read');
    await page.getByRole('button', { name: 'Yozuvlarni ko‘rsatish' }).click();
    await page.locator('.error-summary').waitFor({ state: 'detached' });
    await page.getByRole('status').filter({ hasText: 'ta yozuv' }).waitFor();
    await page.close();

    const district = await (await browser.newContext()).newPage();
    await district.goto(`${server.baseUrl}/staff`);
    await district.getByLabel('Foydalanuvchi nomi').fill('district');
    await district.getByLabel('Parol').fill('himoya-demo');
    await district.getByRole('button', { name: 'Kirish' }).click();
    await district.getByRole('heading', { name: 'Xodimlar paneli' }).waitFor();
    expect(await district.getByRole('link', { name: 'Audit jurnali' }).count()).toBe(0);
    await tabTo(district, district.getByRole('link', { name: 'Takrorlanishi mumkin bo‘lgan shaxslar' }));
    await district.getByRole('heading', { name: 'Takrorlanishi mumkin bo‘lgan shaxslar' }).waitFor();
    await district.locator('.loading').waitFor({ state: 'detached' });
    await expectAccessible(district, 'staff-duplicates');
    await district.close();
  });

  it('an administrator creates an account whose region-wide role only a second administrator may approve', async () => {
    // A second regional administrator beside the demo's `admin`.
    await createStaffAccount(server.running.ctx.database.db, {
      username: 'admin2',
      password: 'himoya-demo-second',
      displayName: 'Nodira Qodirova (viloyat administratori)',
      grants: [
        {
          role: 'regional_admin',
          area: { kind: 'region', code: '1733' },
          organisation: 'Xorazm viloyati hokimligi',
        },
      ],
    });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.baseUrl}/staff`);
    await page.getByLabel('Foydalanuvchi nomi').fill('admin');
    await page.getByLabel('Parol').fill('himoya-demo');
    await page.getByRole('button', { name: 'Kirish' }).click();
    await page.getByRole('heading', { name: 'Xodimlar paneli' }).waitFor();
    await page.getByRole('link', { name: 'Xodimlar hisoblari' }).click();
    await page.getByRole('heading', { name: 'Xodimlar hisoblari' }).waitFor();
    await page.locator('table tbody tr').first().waitFor();
    await expectAccessible(page, 'admin-accounts');

    await page.getByRole('link', { name: 'Hisob yaratish' }).click();
    await page.getByRole('heading', { name: 'Xodim hisobini yaratish' }).waitFor();
    await page.getByRole('button', { name: 'Yaratish' }).click();
    await page.locator('.error-summary a').first().waitFor();
    await expectAccessible(page, 'admin-account-errors');
    await page.getByLabel('Foydalanuvchi nomi', { exact: true }).fill('auditor2');
    await page.getByLabel('To‘liq ismi va lavozimi').fill('Kamola Usmonova (auditor)');
    await page.getByLabel('Boshlang‘ich parol').fill('auditor2-initial-pass');
    await page.getByLabel('Rol', { exact: true }).selectOption('auditor');
    await page.locator('#grant-area option[value="1733"]').waitFor({ state: 'attached' });
    await page.getByLabel('Viloyat', { exact: true }).selectOption('1733');
    await page.getByLabel('Tashkilot').fill('Ichki audit');
    await page.getByRole('button', { name: 'Rolni qo‘shish' }).click();
    await expect
      .poll(() => page.getByTestId('grant-list').textContent())
      .toContain('Auditor — Xorazm viloyati');
    await expectAccessible(page, 'admin-account-form');
    await page.getByLabel('Sabab').fill('Viloyat ichki audit bo‘limiga yangi xodim');
    await page.getByRole('button', { name: 'Yaratish' }).click();
    await page.getByTestId('pending-notice').waitFor();
    await expectAccessible(page, 'admin-account-pending');

    // The proposer cannot be the second pair of eyes.
    await page.goto(`${server.baseUrl}/staff/admin-requests`);
    await page.getByTestId('admin-request').first().waitFor();
    await page.getByRole('button', { name: 'Tasdiqlash' }).first().click();
    await expect.poll(() => page.locator('.error-summary').textContent()).toContain('boshqa administrator');
    await expectAccessible(page, 'admin-requests-own-refused');
    await page.close();

    const second = await (await browser.newContext()).newPage();
    await second.goto(`${server.baseUrl}/staff/admin-requests`);
    await second.getByLabel('Foydalanuvchi nomi').fill('admin2');
    await second.getByLabel('Parol').fill('himoya-demo-second');
    await second.getByRole('button', { name: 'Kirish' }).click();
    const card = second.getByTestId('admin-request').filter({ hasText: 'auditor2' });
    await card.waitFor();
    expect(await card.textContent()).toContain('Auditor — Xorazm viloyati (Ichki audit)');
    await expectAccessible(second, 'admin-requests');
    await card.getByRole('button', { name: 'Tasdiqlash' }).click();
    await expect.poll(() => second.getByTestId('review-result').textContent()).toContain('Tasdiqlandi');
    await expectAccessible(second, 'admin-request-approved');
    await second.goto(`${server.baseUrl}/staff/accounts`);
    await second.getByLabel('Foydalanuvchi nomi yoki ism bo‘yicha qidirish').fill('auditor2');
    await second.getByRole('button', { name: 'Qidirish' }).click();
    await expect
      .poll(() => second.locator('table tbody').textContent())
      .toContain('Auditor — Xorazm viloyati');
    await second.close();
  });

  it('an administrator registers a machine client whose secret is shown once, with a copy button', async () => {
    const context = await browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] });
    const page = await context.newPage();
    await page.goto(`${server.baseUrl}/staff/clients/new`);
    await page.getByLabel('Foydalanuvchi nomi').fill('admin');
    await page.getByLabel('Parol').fill('himoya-demo');
    await page.getByRole('button', { name: 'Kirish' }).click();
    await page.getByRole('heading', { name: 'Tizim mijozini ro‘yxatga olish' }).waitFor();
    await page.getByLabel('Mijoz nomi (client_id)').fill('pension-fund-khiva');
    await page.getByLabel('Idora', { exact: true }).fill('Pensiya jamg‘armasi Xiva bo‘limi');
    await page.getByLabel('Oila va shaxs yozuvlarini o‘qish').check();
    await page.locator('#area option[value="1733"]').waitFor({ state: 'attached' });
    await page.getByLabel('Viloyat', { exact: true }).selectOption('1733');
    await page.locator('#area-district option').nth(1).waitFor({ state: 'attached' });
    await page.getByLabel('Tuman yoki shahar').selectOption({ index: 1 });
    await page.getByLabel('Qayta chaqiruv manzillari').fill('http://127.0.0.1:9/pension/dci');
    await page.getByRole('button', { name: 'Yaratish' }).click();
    await page.getByTestId('secret-once').waitFor();
    const secret = (await page.getByTestId('secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByRole('button', { name: 'Maxfiy kalitdan nusxa olish' }).click();
    await page.getByText('Nusxa olindi.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await expectAccessible(page, 'admin-client-secret');
    await page.getByRole('link', { name: 'Ochish' }).click();
    await page.getByRole('heading', { name: 'Pensiya jamg‘armasi Xiva bo‘limi' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(secret);
    await expectAccessible(page, 'admin-client');
    await page.close();
  });
});
