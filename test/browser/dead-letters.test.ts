import { randomUUID } from 'node:crypto';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible } from '../support/accessibility.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

const { path: chromiumPath } = browserAvailability();
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The staff console's "messages that could not be delivered": words, not codes, and a second chance. */
describe.skipIf(!chromiumPath)('dead letters in the staff console', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer({ households: 20 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('a regional administrator reads why a message was not delivered and sends it again', async () => {
    const { db } = server.running.ctx.database;
    // Two messages given up: a partner's callback that ran out of attempts, an SMS the gateway refused.
    // Of a kind no handler of this server delivers, so that the retried one stays pending for the check.
    for (const [kind, target, reason] of [
      ['test_parked_callback', 'https://my.gov.uz/himoya/status', 'attempts_exhausted'],
      ['test_parked_sms', '+998901234567', 'refused'],
    ] as const) {
      await db
        .insertInto('outbox_message')
        .values({
          id: randomUUID(),
          kind,
          payload: '{}',
          target,
          idempotency_key: `browser:${randomUUID()}`,
          status: 'dead',
          attempts: 10,
          last_error: 'HTTP 503',
          dead_reason: reason,
          dead_at: new Date(),
        })
        .execute();
    }
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.baseUrl}/staff`);
    await page.getByLabel('Foydalanuvchi nomi').fill('admin');
    await page.getByLabel('Parol').fill('himoya-demo');
    await page.getByRole('button', { name: 'Kirish' }).click();
    await page.getByRole('link', { name: 'Yetkazib bo‘lmagan xabarlar' }).click();
    await page.getByRole('heading', { name: 'Yetkazib bo‘lmagan xabarlar' }).waitFor();
    const cards = page.getByTestId('dead-letter');
    await expect.poll(() => cards.count()).toBe(2);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('telefon raqami 4567 bilan tugaydi');
    expect(text).toContain('my.gov.uz');
    expect(text).toContain('Qabul qiluvchi xabarni rad etdi');
    expect(text).toContain('Barcha urinishlar muvaffaqiyatsiz');
    expect(text).not.toMatch(UUID);
    expect(text).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    expect(text).not.toContain('+998901234567');
    await expectAccessible(page, 'dead-letters');

    await cards.filter({ hasText: '4567' }).getByRole('button', { name: 'Qayta yuborish' }).click();
    await expect
      .poll(() => page.getByTestId('retry-result').textContent())
      .toContain('Qayta navbatga qo‘yildi');
    await expect.poll(() => cards.count()).toBe(1);

    // Where the outbox stands: counts per kind and state in words, the oldest waiting age.
    await page.getByRole('link', { name: 'Chiquvchi xabarlar holati' }).click();
    await page.getByRole('heading', { name: 'Chiquvchi xabarlar holati' }).waitFor();
    const table = page.getByTestId('outbox-state');
    await table.waitFor();
    const sms = table.locator('tr[data-kind="sms"]');
    expect(await sms.locator('th').textContent()).toBe('Fuqaroga SMS');
    // The retried SMS of a kind no handler delivers waits; the other is still given up.
    const parked = table.locator('tr[data-kind="test_parked_sms"]');
    expect(await parked.locator('th').textContent()).toBe('Boshqa xabar');
    expect(await parked.locator('td[data-state="queued"]').textContent()).toBe('1');
    expect(await parked.locator('td[data-state="oldest"]').textContent()).toMatch(/^[0-9]+ (soniya|daqiqa)$/);
    const callback = table.locator('tr[data-kind="test_parked_callback"]');
    expect(await callback.locator('td[data-state="dead"]').textContent()).toBe('1');
    expect(await callback.locator('td[data-state="oldest"]').textContent()).toBe('Kutayotgan xabar yo‘q');
    const words = (await page.locator('main').textContent()) ?? '';
    expect(words).toContain('Birinchi urinishni kutmoqda');
    expect(words).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
    await expectAccessible(page, 'outbox-state');
    await page.close();
  });
});
