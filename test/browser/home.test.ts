import { randomUUID } from 'node:crypto';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  recordMahallaOpinion,
  recordQuestionnaire,
  submitApplication,
} from '../../src/casework/application.service.ts';
import { approveOverride, createOverride } from '../../src/casework/override.service.ts';
import { listDemoCitizens } from '../../src/identity/demo-idp.service.ts';
import { expectAccessible } from '../support/accessibility.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { signInFirstDemoCitizen } from '../support/demo-sign-in.ts';
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

/** The household of the first citizen the demo OneID page lists (the one the tests sign in as). */
async function firstCitizenHousehold(server: TestServer): Promise<string> {
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
  return home.household_id;
}

const override = (householdId: string, id: string) => ({
  id,
  householdId,
  programme: 'material_assistance' as const,
  month: new Date().toISOString().slice(0, 7),
  amount: 380_000,
  reason: 'The family lost its income after a flood',
  legalBasis: 'Material assistance regulation, discretion of the district department',
});

/**
 * For that family: an offer without an answer (an approved override) and an application awaiting its final
 * assessment (so with a due date). In worker1's mahalla (inside the district account's district too): a
 * pending override and another open application. And a dead letter for the administrators.
 */
async function arrange(server: TestServer): Promise<void> {
  const { db } = server.running.ctx.database;
  const householdId = await firstCitizenHousehold(server);
  const approved = randomUUID();
  await createOverride(db, override(householdId, approved), 'staff:district');
  await db.transaction().execute((trx) => approveOverride(trx, approved, 'staff:admin'));
  const worker = await staffClient(server.baseUrl, 'worker1');
  const inMahalla = (await worker<{ items: { id: string }[] }>('/api/households?pageSize=1')).items[0];
  if (!inMahalla) throw new Error("no household in worker1's mahalla");
  await createOverride(db, { ...override(inMahalla.id, randomUUID()), amount: 250_000 }, 'staff:district');
  const today = new Date().toISOString().slice(0, 10);
  for (const household of [householdId, inMahalla.id]) {
    const { application } = await submitApplication(
      db,
      {
        id: randomUUID(),
        householdId: household,
        programme: 'social_registry',
        channel: 'centre',
        submittedOn: today,
      },
      'staff:worker1',
    );
    await recordQuestionnaire(db, application.id, 'staff:worker1', today);
    await recordMahallaOpinion(db, application.id, true, 'staff:worker1', today);
  }
  await db
    .insertInto('outbox_message')
    .values({
      id: randomUUID(),
      kind: 'test_parked_sms',
      payload: '{}',
      target: '+998901234567',
      idempotency_key: `home:${randomUUID()}`,
      status: 'dead',
      attempts: 10,
      last_error: 'HTTP 503',
      dead_reason: 'refused',
      dead_at: new Date(),
    })
    .execute();
}

async function signInCitizen(page: Page, baseUrl: string): Promise<void> {
  await signInFirstDemoCitizen(page, baseUrl);
  await page.getByRole('heading', { name: /Assalomu alaykum/ }).waitFor();
}

describe.skipIf(!chromiumPath)('the homes say what to do next', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ households: 60 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
    await arrange(server);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('a citizen with an offer waiting sees the card with its number and one action to the offers', async () => {
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
    // The application awaiting its final assessment: its own card, with the due date.
    const applications = page.getByTestId('next-applications');
    expect(await applications.getByRole('heading').textContent()).toBe('1 ta ariza ko‘rib chiqilmoqda');
    expect(await applications.textContent()).toContain('Eng yaqin javob muddati:');
    expect(await applications.getByRole('link').count()).toBe(1);
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

    // Opening the messages marks them read: back home, the card of new messages is gone.
    await page.goto(`${server.baseUrl}/citizen`);
    const messages = page.getByTestId('next-messages');
    await messages.waitFor();
    await messages.getByRole('link', { name: 'Прочитать сообщения' }).click();
    await page.waitForURL(/\/citizen\/notifications$/);
    await expect
      .poll(() =>
        page.evaluate(async () => {
          const reply = await fetch('/api/me/notifications?pageSize=1');
          return ((await reply.json()) as { unread: number }).unread;
        }),
      )
      .toBe(0);
    await page
      .getByRole('link', { name: /Назад|На главную/ })
      .first()
      .click();
    await page.getByRole('heading', { name: 'Что вас ждёт' }).waitFor();
    await page.getByTestId('next-offers').waitFor();
    expect(await messages.count()).toBe(0);
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

      const counted: number[] = [];
      for (const [id, list] of Object.entries(LIST_OF)) {
        const status = await api(list).then(
          () => 200,
          (error: Error) => Number(/: (\d{3}) /.exec(error.message)?.[1]),
        );
        expect(status, `${username} ${list}`).toBe(shown.includes(id) ? 200 : 403);
        if (!shown.includes(id)) continue;
        // The count beside the link is the list's total for this role.
        const { total } = await api<{ total: number }>(list);
        counted.push(total);
        const item = page.getByTestId(`worklist-${id}`);
        expect(await item.getByTestId('worklist-count').getAttribute('data-count')).toBe(String(total));
        expect(await item.getByTestId('worklist-count').textContent()).toContain(`${total} ta yozuv`);
      }
      // The arranged items (a pending override, an open application, a dead letter) are counted where seen.
      if (username !== 'auditor')
        expect(
          counted.some((n) => n > 0),
          username,
        ).toBe(true);
      await expectAccessible(page, `home-staff-${username}`);
      await page.close();
    });
  }
});
