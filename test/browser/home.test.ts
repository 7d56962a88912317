import { randomUUID } from 'node:crypto';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveOverride, createOverride } from '../../src/casework/override.service.ts';
import { listDemoCitizens } from '../../src/identity/demo-idp.service.ts';
import { expectAccessible } from '../support/accessibility.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { staffClient } from '../support/staff-client.ts';

const { path: chromiumPath } = browserAvailability();

/** Each worklist of the staff home and the list API its page reads (the count's companion). */
const LIST_OF: Record<string, string> = {
  overrides: '/api/overrides?status=pending',
  changeRequests: '/api/change-requests?status=pending',
  applications: '/api/applications?open=true',
  appeals: '/api/appeals?open=true',
  duplicates: '/api/duplicates?status=pending',
  deadLetters: '/api/outbox/dead-letters',
};

/** What each demo account's role may open (config.access of the list routes; checked below against 200/403). */
const EXPECTED: Record<string, string[]> = {
  worker1: ['changeRequests', 'applications'],
  district: ['overrides', 'changeRequests', 'applications', 'appeals', 'duplicates'],
  admin: ['overrides', 'changeRequests', 'applications', 'appeals', 'duplicates', 'deadLetters'],
  auditor: [],
};

/** A fresh offer (an approved override, no answer yet) for the first demo citizen's household. */
async function arrangeWaitingOffer(server: TestServer): Promise<void> {
  const { db } = server.running.ctx.database;
  const [first] = await listDemoCitizens(db, 1);
  if (!first) throw new Error('no demo citizen');
  const home = await db
    .selectFrom('person as p')
    .innerJoin('membership as m', 'm.person_id', 'p.id')
    .select(['m.household_id'])
    .where('p.pinfl', '=', first.pinfl)
    .where('m.valid_to', 'is', null)
    .executeTakeFirstOrThrow();
  const id = randomUUID();
  await createOverride(
    db,
    {
      id,
      householdId: home.household_id,
      programme: 'material_assistance',
      month: new Date().toISOString().slice(0, 7),
      amount: 380_000,
      reason: 'The family lost its income after a flood',
      legalBasis: 'Material assistance regulation, discretion of the district department',
    },
    'staff:district',
  );
  await db.transaction().execute((trx) => approveOverride(trx, id, 'staff:admin'));
}

async function signInCitizen(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}/citizen`);
  await page.getByRole('link', { name: 'OneID orqali kirish' }).click();
  await page.waitForURL(/demo-idp/);
  await page.locator('li button').first().click();
  await page.waitForURL((url) => !url.pathname.startsWith('/demo-idp'));
  await page.goto(`${baseUrl}/citizen`);
  await page.getByRole('heading', { name: /Assalomu alaykum/ }).waitFor();
}

describe.skipIf(!chromiumPath)('the homes say what to do next', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ households: 60 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('a citizen with an offer waiting sees the card with its number and one action to the offers', async () => {
    await arrangeWaitingOffer(server);
    const page = await (await browser.newContext()).newPage();
    await signInCitizen(page, server.baseUrl);
    // The number the card must say: the family's offers without an answer, as the API gives them.
    const waiting = await page.evaluate(async () => {
      const reply = await fetch('/api/me/offers', { headers: { accept: 'application/json' } });
      const body = (await reply.json()) as { items: { response: string | null }[] };
      return body.items.filter((o) => o.response === null).length;
    });
    expect(waiting).toBeGreaterThan(0);

    const card = page.getByTestId('next-offers');
    await card.waitFor();
    expect(await card.getByRole('heading').textContent()).toBe(`${waiting} ta taklif javobingizni kutmoqda`);
    const actions = card.getByRole('link');
    expect(await actions.count()).toBe(1);
    expect(await page.getByTestId('nothing-waits').count()).toBe(0);
    // Everything else stays, below, one line each.
    await page.getByRole('heading', { name: 'Boshqa hamma narsa' }).waitFor();
    expect(await page.getByRole('link', { name: 'Ma’lumotlarimni kim ko‘rdi' }).count()).toBe(1);
    await expectAccessible(page, 'home-citizen-uz-latn');

    await page.getByRole('button', { name: 'Русский' }).click();
    await page.getByRole('heading', { name: 'Что вас ждёт' }).waitFor();
    const russian = (await card.getByRole('heading').textContent()) ?? '';
    expect(russian).toMatch(new RegExp(`^${waiting} предложени(е|я|й) жд(ёт|ут) вашего ответа$`));
    await expectAccessible(page, 'home-citizen-ru');

    await card.getByRole('link', { name: 'Ответить на предложения' }).click();
    await page.waitForURL(/\/citizen\/benefits$/);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.close();
  });

  for (const username of Object.keys(EXPECTED)) {
    it(`the staff home of ${username} shows the worklists the role may open, each with its count`, async () => {
      const api = await staffClient(server.baseUrl, username);
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${server.baseUrl}/staff`);
      await page.getByLabel('Foydalanuvchi nomi').fill(username);
      await page.getByLabel('Parol').fill('himoya-demo');
      await page.getByRole('button', { name: 'Kirish' }).click();
      await page.getByRole('heading', { name: 'Ish ro‘yxatlari' }).waitFor();
      await page.locator('[data-testid^="worklist-"], [data-testid="no-worklists"]').first().waitFor();

      const shown = await page
        .locator('li[data-testid^="worklist-"]')
        .evaluateAll((items) => items.map((li) => li.getAttribute('data-testid')?.slice('worklist-'.length)));
      expect(shown).toEqual(EXPECTED[username]);
      if (shown.length === 0) await page.getByTestId('no-worklists').waitFor();

      for (const [id, list] of Object.entries(LIST_OF)) {
        const status = await api(list).then(
          () => 200,
          (error: Error) => Number(/: (\d{3}) /.exec(error.message)?.[1]),
        );
        expect(status, `${username} ${list}`).toBe(shown.includes(id) ? 200 : 403);
        if (!shown.includes(id)) continue;
        // The count beside the link is the list's total for this role.
        const { total } = await api<{ total: number }>(list);
        const item = page.getByTestId(`worklist-${id}`);
        expect(await item.getByTestId('worklist-count').getAttribute('data-count')).toBe(String(total));
        expect(await item.getByTestId('worklist-count').textContent()).toContain(`${total} ta yozuv`);
      }
      await expectAccessible(page, `home-staff-${username}`);
      await page.close();
    });
  }
});
