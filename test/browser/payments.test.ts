import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleGrant } from '../../src/access/actor.ts';
import { tashkentMonth } from '../../src/decisions/decision.jobs.ts';
import { evaluateMonth } from '../../src/decisions/decision.service.ts';
import errorWords from '../../src/i18n/errors/uz-Latn.json' with { type: 'json' };
import { writeResultFile } from '../../src/payments/bank-file/result-file.ts';
import { paymentSettings } from '../../src/payments/payments.settings.ts';
import { buildPayrolls } from '../../src/payments/payroll.service.ts';
import { bankName } from '../../src/shared/banks.ts';
import { formatSoum } from '../../src/shared/format.ts';
import enWords from '../../web/src/i18n/payments/en.json' with { type: 'json' };
import ruWords from '../../web/src/i18n/payments/ru.json' with { type: 'json' };
import words from '../../web/src/i18n/payments/uz-Latn.json' with { type: 'json' };
import { expectAccessible } from '../support/accessibility.ts';
import { KHOREZM, signInCitizen, signInStaff } from '../support/auth.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Payments on the screens (issue 14): a family reads its payment history in words; a finance officer
 * approves a batch that a second one must confirm, downloads its bank file and uploads the bank's answer;
 * the payroll, reconciliation and returned-payments pages; axe on every payments page visited.
 */

const { path: chromiumPath } = browserAvailability();
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const SNAKE = /\b[a-z]+_[a-z_]+\b/;
const ACTOR = /\b(staff|citizen|machine):/;
const FINANCE: RoleGrant[] = [
  { role: 'finance', area: { kind: 'region', code: KHOREZM }, organisation: 'Moliya bo‘limi' },
];
const WORKER: RoleGrant[] = [
  { role: 'social_worker', area: { kind: 'region', code: KHOREZM }, organisation: 'Inson markazi' },
];

interface BatchView {
  id: number;
  reference: string;
  bankCode: string;
  programme: string;
  lines: number;
  status: string;
  approvals: number;
  approvalsRequired: number;
}

/** "2 tadan 1 tasi": the approvals as the batch pages write them in Uzbek. */
const approvalsText = (done: number, required: number) =>
  words.approvals.replace('{done}', String(done)).replace('{required}', String(required));

/** What a page shows a person: no id, no code, no actor string. */
async function expectPeoplesWords(page: Page): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what is asserted
  const text = await page.evaluate(() => document.querySelector('main')?.innerText ?? '');
  expect(text).not.toMatch(UUID);
  expect(text).not.toMatch(SNAKE);
  expect(text).not.toMatch(ACTOR);
  expect(text).not.toMatch(/\bpayments\.[a-zA-Z]/);
  return text;
}

describe.skipIf(!chromiumPath)('payments on the screens', () => {
  let server: TestServer;
  let browser: Browser;
  let month = '';
  let finance1 = '';
  let finance2 = '';
  let worker = '';
  let citizen = '';
  /** The batch the finance officers approve in the browser. */
  let batchB: BatchView;
  /** The family whose payment was paid, and the one the bank returned (both in batch A). */
  let family = { householdId: '', amount: 0, accountNumber: '' };
  let returnedHousehold = '';

  async function as(cookie: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext();
    const [name = '', value = ''] = cookie.split('=');
    await context.addCookies([{ name, value, url: server.baseUrl }]);
    await context.addInitScript(() => localStorage.setItem('himoya.language', 'uz-Latn'));
    return { context, page: await context.newPage() };
  }

  beforeAll(async () => {
    server = await startTestServer({
      households: 200,
      env: { PAYMENT_FOUR_EYES_ABOVE: '0', PAYROLL_SCHEDULE: 'off' },
    });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
    const { db } = server.running.ctx.database;
    const config = server.running.ctx.config;
    const app = server.running.app;
    // The demo start evaluates the current month; evaluate it here if it did not (no job runner).
    month = tashkentMonth();
    const entitled = await db
      .selectFrom('entitlement')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    if (Number(entitled.n) === 0) await evaluateMonth(db, month, { trigger: 'manual' });
    const built = await buildPayrolls(db, {
      month,
      builtBy: 'test',
      fourEyesAbove: paymentSettings(config).fourEyesAbove,
    });
    // The demo start may have built it already (then it comes back as it was).
    expect(built.length).toBe(2);
    expect(built.every((r) => r.run.batches > 0)).toBe(true);

    const f1 = await signInStaff(db, config, 'finance.one', FINANCE);
    const f2 = await signInStaff(db, config, 'finance.two', FINANCE);
    finance1 = f1.headers.cookie ?? '';
    finance2 = f2.headers.cookie ?? '';
    worker = (await signInStaff(db, config, 'returned.worker', WORKER)).headers.cookie ?? '';

    // Batch A (prepared through the API): approved by both officers, exported, answered by the bank.
    const list = await app.inject({
      method: 'GET',
      url: `/api/payments/batches?month=${month}&pageSize=200`,
      headers: f1.headers,
    });
    expect(list.statusCode, list.body).toBe(200);
    const batches = (list.json() as { items: BatchView[] }).items;
    expect(batches.every((b) => b.approvalsRequired === 2)).toBe(true);
    const attempts = await db
      .selectFrom('payment_attempt as a')
      .innerJoin('payment_line as l', 'l.id', 'a.line_id')
      .innerJoin('membership as m', (join) =>
        join
          .onRef('m.household_id', '=', 'l.household_id')
          .on('m.relationship', '=', 'head')
          .on('m.valid_to', 'is', null),
      )
      .innerJoin('person as p', 'p.id', 'm.person_id')
      .innerJoin('payment_account as acc', 'acc.id', 'a.account_id')
      .select([
        'a.batch_id as batchId',
        'a.reference',
        'a.amount',
        'l.household_id as householdId',
        'p.id as personId',
        'p.preferred_language as language',
        'p.pinfl',
        'p.merged_into as mergedInto',
        'acc.number as accountNumber',
      ])
      .where('l.month', '=', month)
      .orderBy('a.id')
      .execute();
    const inBatch = (id: number) => attempts.filter((a) => Number(a.batchId) === id);
    // A head who can sign in (OneID knows them by PINFL) and reads Uzbek (Latin), in a batch of two or more.
    const signsIn = (a: (typeof attempts)[number]) =>
      a.language === 'uz-Latn' && a.pinfl !== null && a.mergedInto === null;
    const batchA = batches.find((b) => inBatch(b.id).length >= 2 && inBatch(b.id).some(signsIn));
    if (!batchA) throw new Error('no batch of two families with a head who can sign in');
    const chosen = inBatch(batchA.id).find(signsIn);
    const other = inBatch(batchA.id).find((a) => a !== chosen);
    if (!chosen || !other) throw new Error('no family to pay');
    family = {
      householdId: chosen.householdId,
      amount: Number(chosen.amount),
      accountNumber: chosen.accountNumber,
    };
    returnedHousehold = other.householdId;
    const nextBatch = batches.find((b) => b.id !== batchA.id && b.status === 'awaiting_approval');
    if (!nextBatch) throw new Error('no second batch');
    batchB = nextBatch;

    for (const headers of [f1.headers, f2.headers]) {
      const approved = await app.inject({
        method: 'POST',
        url: `/api/payments/batches/${batchA.id}/approve`,
        headers,
      });
      expect(approved.statusCode, approved.body).toBe(200);
    }
    const file = await app.inject({
      method: 'GET',
      url: `/api/payments/batches/${batchA.id}/file`,
      headers: f1.headers,
    });
    expect(file.statusCode, file.body).toBe(200);
    const result = writeResultFile(
      {
        batchRef: batchA.reference,
        bankCode: batchA.bankCode,
        processedAt: `${new Date().toISOString().slice(0, 19)}Z`,
      },
      inBatch(batchA.id).map((a) => ({
        lineRef: a.reference,
        outcome: a === other ? 'rejected' : 'paid',
        amount: Number(a.amount),
        reason: a === other ? 'closed_account' : null,
      })),
    );
    const imported = await app.inject({
      method: 'POST',
      url: `/api/payments/batches/${batchA.id}/results`,
      headers: { ...f1.headers, 'content-type': 'text/csv' },
      payload: result,
    });
    expect(imported.statusCode, imported.body).toBe(200);
    citizen = (await signInCitizen(db, config, chosen.personId)).headers.cookie ?? '';
    const session = await app.inject({ method: 'GET', url: '/auth/session', headers: { cookie: citizen } });
    expect(session.json().actor.kind).toBe('citizen');
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  it('a family sees its payment paid, in words, with the masked account and the decision', async () => {
    const { context, page } = await as(citizen);
    await page.goto(`${server.baseUrl}/citizen`);
    await page.getByRole('link', { name: words.link }).click();
    await page.getByRole('heading', { level: 1, name: words.my.title }).waitFor();
    const paid = page.locator('[data-testid="payment"][data-status="paid"]');
    await expect.poll(() => paid.count()).toBeGreaterThan(0);
    const card = (await paid.first().textContent()) ?? '';
    expect(card).toContain(words.status.paid);
    expect(card).toContain(formatSoum(family.amount, 'uz-Latn'));
    expect(card).toContain(words.kind.regular);
    // The account as the server masked it: its last four digits, never the whole number.
    expect(card).toContain(`•••• ${family.accountNumber.slice(-4)}`);
    expect(card).not.toContain(family.accountNumber);
    expect(await paid.first().locator('a[href^="/citizen/decisions/"]').count()).toBe(1);
    await expectPeoplesWords(page);
    await expectAccessible(page, 'payments-citizen');
    await context.close();
  });

  it('a finance officer approves a batch, a second one confirms it, and the bank file and answer go through', async () => {
    const first = await as(finance1);
    const page = first.page;
    await page.goto(`${server.baseUrl}/staff`);
    await page.getByRole('link', { name: words.nav.batches }).click();
    await page.getByRole('heading', { level: 1, name: words.batches.title }).waitFor();
    await page.getByLabel(words.batches.month, { exact: true }).selectOption(month);
    const row = page.locator('[data-testid="batch"]').filter({
      has: page.locator(`a[href="/staff/payments/batches/${batchB.id}"]`),
    });
    await row.waitFor();
    const rowText = (await row.textContent()) ?? '';
    expect(rowText).toContain(words.batchStatus.awaiting_approval);
    expect(rowText).toContain(approvalsText(0, 2));
    expect(rowText).toContain(
      bankName(batchB.bankCode, 'uz-Latn') ?? words.bank.replace('{code}', batchB.bankCode),
    );
    await expectPeoplesWords(page);
    await expectAccessible(page, 'payments-batches');

    await row.locator(`a[href="/staff/payments/batches/${batchB.id}"]`).click();
    await page.getByText(words.batch.approveLead).waitFor();
    expect(await page.getByTestId('batch-status').textContent()).toBe(words.batchStatus.awaiting_approval);
    await page.getByRole('button', { name: words.batch.approve }).click();
    await expect.poll(() => page.getByTestId('needs-second').textContent()).toBe(words.batch.needsSecond);
    expect(await page.getByTestId('batch-approvals').textContent()).toBe(approvalsText(1, 2));
    expect(await page.getByTestId('batch-status').textContent()).toBe(words.batchStatus.awaiting_approval);
    // The same officer cannot approve twice: the button is gone, and no bank file is offered yet.
    expect(await page.getByRole('button', { name: words.batch.approve }).count()).toBe(0);
    expect(await page.getByRole('button', { name: words.batch.download }).count()).toBe(0);
    await expectPeoplesWords(page);
    await expectAccessible(page, 'payments-batch-first-approval');
    await first.context.close();

    const second = await as(finance2);
    const other = second.page;
    await other.goto(`${server.baseUrl}/staff/payments/batches/${batchB.id}`);
    await other.getByText(words.batch.approveLead).waitFor();
    expect(await other.getByTestId('batch-approvals').textContent()).toBe(approvalsText(1, 2));
    expect(await other.getByTestId('needs-second').count()).toBe(0);
    await other.getByRole('button', { name: words.batch.approve }).click();
    await expect.poll(() => other.getByTestId('batch-status').textContent()).toBe(words.batchStatus.approved);
    expect(await other.getByTestId('batch-approvals').textContent()).toBe(approvalsText(2, 2));
    await expectPeoplesWords(other);
    await expectAccessible(other, 'payments-batch-approved');

    // The bank file downloads; the batch is then with the bank.
    const [download] = await Promise.all([
      other.waitForEvent('download'),
      other.getByRole('button', { name: words.batch.download }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`${batchB.reference}.csv`);
    const stream = await download.createReadStream();
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    const bankFile = Buffer.concat(chunks).toString('utf8');
    const lines = bankFile.trim().split('\n');
    expect(lines[0]).toMatch(/^H,HIMOYA-PAYMENTS,1,PB-/);
    expect(lines.length).toBe(batchB.lines + 2);
    await expect.poll(() => other.getByTestId('batch-status').textContent()).toBe(words.batchStatus.sent);

    // A file that is not the bank's format is refused whole, with the server's words.
    const upload = async (text: string) => {
      await other
        .getByLabel(words.batch.resultFile, { exact: true })
        .setInputFiles({ name: 'natija.csv', mimeType: 'text/csv', buffer: Buffer.from(text, 'utf8') });
      await other.getByRole('button', { name: words.batch.upload }).click();
    };
    await upload('this is not a bank file\n');
    const summary = other.locator('.error-summary');
    await expect.poll(() => summary.textContent()).toContain(errorWords.BANK_FILE_MALFORMED);
    await expectAccessible(other, 'payments-batch-refused-file');

    // The bank's answer: every payment paid.
    const records = lines.slice(1, -1).map((l) => l.split(','));
    const answer = writeResultFile(
      {
        batchRef: batchB.reference,
        bankCode: batchB.bankCode,
        processedAt: `${new Date().toISOString().slice(0, 19)}Z`,
      },
      records.map((r) => ({ lineRef: r[1] ?? '', outcome: 'paid', amount: Number(r[4]), reason: null })),
    );
    await upload(answer);
    const notice = other.getByTestId('batch-notice');
    await expect.poll(() => notice.textContent()).toContain(words.batch.applied.split('.')[0] ?? '');
    expect(await notice.textContent()).toContain(String(batchB.lines));
    await expect.poll(() => other.getByTestId('batch-status').textContent()).toBe(words.batchStatus.answered);
    expect(await summary.count()).toBe(0);
    await upload(answer);
    await expect.poll(() => notice.textContent()).toBe(words.batch.alreadyImported);
    await expectPeoplesWords(other);
    await expectAccessible(other, 'payments-batch-answered');
    await second.context.close();
  });

  it('the payroll, reconciliation and returned-payments pages read in words', async () => {
    const { context, page } = await as(finance1);
    await page.goto(`${server.baseUrl}/staff/payments/payroll`);
    await page.getByRole('heading', { level: 1, name: words.payroll.title }).waitFor();
    await page.getByLabel(words.payroll.month, { exact: true }).selectOption(month);
    await page.getByRole('button', { name: words.payroll.build }).click();
    const built = page.getByTestId('built-runs').locator('[data-testid="run"]');
    await expect.poll(() => built.count()).toBe(2);
    // Built once in the set-up: built again, the month comes back as it was.
    for (const text of await built.allTextContents()) expect(text).toContain(words.payroll.existing);
    await expect.poll(() => page.getByTestId('runs').locator('[data-testid="run"]').count()).toBe(2);
    await expectPeoplesWords(page);
    await expectAccessible(page, 'payments-payroll');

    await page.getByRole('link', { name: words.nav.reconciliation }).click();
    await page.getByRole('heading', { level: 1, name: words.reconciliation.title }).waitFor();
    await page.getByLabel(words.reconciliation.month, { exact: true }).selectOption(month);
    const rows = page.getByTestId('reconciliation').locator('[data-testid="reconciliation-row"]');
    await expect.poll(() => rows.count()).toBe(2);
    for (const text of await rows.allTextContents()) expect(text).toContain(words.reconciliation.balancedYes);
    await page.getByTestId('reconciliation-batches').waitFor();
    const csvLink = page.getByTestId('reconciliation-csv');
    const href = (await csvLink.getAttribute('href')) ?? '';
    expect(href).toContain('reconciliation.csv');
    expect(href).toContain(`month=${month}`);
    const csv = await page.request.get(`${server.baseUrl}${href}`);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).split('\n')[0]).toContain('entitled');
    await expectPeoplesWords(page);
    await expectAccessible(page, 'payments-reconciliation');
    await context.close();

    const social = await as(worker);
    await social.page.goto(`${server.baseUrl}/staff`);
    await social.page.getByRole('link', { name: words.nav.returned }).click();
    await social.page.getByRole('heading', { level: 1, name: words.returned.title }).waitFor();
    const returned = social.page
      .locator('[data-testid="returned-payment"]')
      .filter({ has: social.page.locator(`a[href="/staff/households/${returnedHousehold}"]`) });
    await returned.waitFor();
    const text = (await returned.textContent()) ?? '';
    const reason = words.rejection.closed_account;
    expect(text).toContain(reason.charAt(0).toUpperCase() + reason.slice(1));
    expect(text).toMatch(/•••• \d{4}/);
    expect(
      await social.page
        .locator(`[data-testid="returned-payment"] a[href="/staff/households/${family.householdId}"]`)
        .count(),
    ).toBe(0);
    await expectPeoplesWords(social.page);
    await expectAccessible(social.page, 'payments-returned');
    await social.context.close();
  });
  it('every payments page reads in each of the four languages, with no code or key shown', async () => {
    const pages: { cookie: string; path: string; ready: string; title: (w: typeof enWords) => string }[] = [
      { cookie: citizen, path: '/citizen/payments', ready: 'payment', title: (w) => w.my.title },
      {
        cookie: finance1,
        path: `/staff/payments?month=${month}`,
        ready: 'batch',
        title: (w) => w.batches.title,
      },
      {
        cookie: finance1,
        path: `/staff/payments/batches/${batchB.id}`,
        ready: 'batch-status',
        title: (w) => w.batch.caption,
      },
      { cookie: finance1, path: '/staff/payments/payroll', ready: 'runs', title: (w) => w.payroll.title },
      {
        cookie: finance1,
        path: `/staff/payments/reconciliation?month=${month}`,
        ready: 'reconciliation-row',
        title: (w) => w.reconciliation.title,
      },
      {
        cookie: worker,
        path: '/staff/payments/returned',
        ready: 'returned-payment',
        title: (w) => w.returned.title,
      },
    ];
    const expected: Record<string, typeof enWords | undefined> = {
      'uz-Latn': words,
      ru: ruWords,
      en: enWords,
      'uz-Cyrl': undefined,
    };
    for (const spec of pages) {
      const { context, page } = await as(spec.cookie);
      await page.goto(`${server.baseUrl}${spec.path}`);
      await page.getByTestId(spec.ready).first().waitFor();
      for (const [language, messages] of Object.entries(expected)) {
        await page.locator(`.languages button[lang="${language}"]`).click();
        await page.locator(`main[lang="${language}"]`).waitFor();
        await page.getByTestId(spec.ready).first().waitFor();
        const main = page.locator('main');
        if (messages) await expect.poll(() => main.textContent()).toContain(spec.title(messages));
        else await expect.poll(() => page.locator('main h1').textContent()).toMatch(/[ўқғҳ]/);
        const text = await expectPeoplesWords(page);
        if (language === 'en') expect(text, spec.path).not.toMatch(/[\u0400-\u04FF]/);
        if (language === 'ru') expect(text, spec.path).not.toMatch(/[ўқғҳЎҚҒҲ]/);
      }
      await context.close();
    }
  });
});
