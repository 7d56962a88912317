import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveOverride, createOverride } from '../../src/casework/override.service.ts';
import { evaluateHousehold } from '../../src/decisions/decision.service.ts';
import { listDemoCitizens } from '../../src/identity/demo-idp.service.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { signInFirstDemoCitizen } from '../support/demo-sign-in.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * The whole-site words scan (issue 12, point 2): every citizen page and every staff page, as a role that
 * can see it, in each of the four languages, fails on an id, a code or a word of another language in the
 * visible text. Decision explanations (`data-testid="explanation"`) are checked by their own tests; the
 * language switcher and the signed-in name are data, not words of the page.
 */
const { path: chromiumPath } = browserAvailability();
const SCREENSHOTS = 'test-results/screenshots/words';
type Language = 'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en';
/**
 * All four on the embedded database. The pages are the same web code on either database, so the
 * PostgreSQL run (DATABASE_URL) scans two of them, one per script, to keep CI's time: Uzbek Latin (the
 * account's language, so the scan starts where sign-in leaves it) and Russian. WORDS_LANGUAGES=en,ru
 * chooses explicitly.
 */
const LANGUAGES: Language[] =
  (process.env.WORDS_LANGUAGES?.split(',') as Language[] | undefined) ??
  (process.env.DATABASE_URL ? ['uz-Latn', 'ru'] : ['uz-Latn', 'uz-Cyrl', 'ru', 'en']);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** A code: lower-case words joined by underscores (`employed_informal`, `civil_registry`). */
const SNAKE = /\b[a-z]+_[a-z_]+\b/;
const ACTOR = /\b(staff|citizen|machine):/;
/** A key shown because its label is missing (`codes.source.tax`, `household.rel.x`). */
const KEY = /\b(codes|household|override|record|appeals|role|scope|programmes|common|cases)\.[a-zA-Z_]+/;
const CYRILLIC = /[\u0400-\u04FF]/;
/** Letters of Uzbek Cyrillic that Russian has not. */
const UZBEK_CYRILLIC_ONLY = /[ўқғҳЎҚҒҲ]/;
/** Words of the interface (not of data: names and addresses are Uzbek in every language) per catalogue. */
const MARKERS: Record<'uzLatn' | 'uzCyrl' | 'ru' | 'en', RegExp> = {
  uzLatn: /\b(Orqaga|Manba|Holat|uchun|Taklif qilgan)\b/,
  uzCyrl: /(Орқага|Манба|Ҳолат|учун)/,
  ru: /(Назад|Источник|Статус|Здесь пока ничего нет)/,
  en: /\b(Back|Source|Status|Nothing to show|Date)\b/,
};

/** What a page in `language` must not show: a message per problem found. */
function problems(text: string, language: Language): string[] {
  const found: string[] = [];
  const check = (re: RegExp, what: string) => {
    const match = re.exec(text);
    if (match) found.push(`${what}: "${text.slice(Math.max(0, match.index - 30), match.index + 40)}"`);
  };
  check(UUID, 'an id');
  check(SNAKE, 'a code');
  check(ACTOR, 'an actor string');
  check(KEY, 'a message key');
  if (language === 'en' || language === 'uz-Latn') check(CYRILLIC, 'Cyrillic letters');
  if (language === 'ru') check(UZBEK_CYRILLIC_ONLY, 'Uzbek Cyrillic letters');
  if (language !== 'uz-Latn') check(MARKERS.uzLatn, 'an Uzbek (Latin) word');
  if (language !== 'uz-Cyrl') check(MARKERS.uzCyrl, 'an Uzbek (Cyrillic) word');
  if (language !== 'ru') check(MARKERS.ru, 'a Russian word');
  if (language !== 'en') check(MARKERS.en, 'an English word');
  return found;
}

/** The page's visible words, without the language switcher, the signed-in name and explanations. */
async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const hidden = Array.from(
      document.querySelectorAll<HTMLElement>('.languages, .account > span, [data-testid="explanation"]'),
    );
    const before = hidden.map((el) => el.style.display);
    for (const el of hidden) el.style.display = 'none';
    const text = document.body.innerText;
    hidden.forEach((el, i) => {
      el.style.display = before[i] ?? '';
    });
    return text;
  });
}

async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Opens a page, waits for its heading and its data, and returns what is wrong with it. */
async function scan(page: Page, url: string, language: Language, name: string): Promise<string[]> {
  await page.goto(url);
  const where = `${new URL(url).pathname} [${language}]`;
  const ready = await page
    .getByRole('heading', { level: 1 })
    .first()
    .waitFor({ timeout: 10_000 })
    .then(() => true)
    .catch(() => false);
  if (!ready) return [`${where} no heading: ${(await page.locator('body').innerText()).slice(0, 200)}`];
  await expect.poll(() => page.locator('.loading').count(), { timeout: 20_000 }).toBe(0);
  const lang = await page.locator('html').getAttribute('lang');
  const found = lang === language ? [] : [`html lang is ${lang}`];
  found.push(...problems(await visibleText(page), language));
  found.push(...(await axeViolations(page)).map((v) => `axe ${v}`));
  // A screenshot only of a page with a problem (kept out of git under test-results/).
  if (found.length > 0)
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${language}.png`, fullPage: true });
  return found.map((f) => `${new URL(url).pathname} [${language}] ${f}`);
}

async function switchLanguage(page: Page, language: Language): Promise<void> {
  await page.evaluate((l) => {
    localStorage.setItem('himoya.language', l);
    // biome-ignore lint/suspicious/noDocumentCookie: the app's own language cookie
    document.cookie = `himoya_lang=${l}; path=/; samesite=lax`;
  }, language);
}

async function signInStaff(context: BrowserContext, baseUrl: string, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${baseUrl}/staff`);
  await page.locator('#username').fill(username);
  await page.locator('#password').fill('himoya-demo');
  await page.locator('main form button').first().click();
  await page.locator('.account').waitFor();
  return page;
}

async function signInCitizen(context: BrowserContext, baseUrl: string): Promise<Page> {
  const page = await context.newPage();
  await signInFirstDemoCitizen(page, baseUrl);
  return page;
}

/** The first demo citizen's household gets a decision and a pending override; returns what the pages need. */
async function arrange(server: TestServer) {
  const { db } = server.running.ctx.database;
  const [first] = await listDemoCitizens(db, 1);
  if (!first) throw new Error('no demo citizen');
  const { household_id: householdId } = await db
    .selectFrom('person as p')
    .innerJoin('membership as m', 'm.person_id', 'p.id')
    .select(['m.household_id'])
    .where('p.pinfl', '=', first.pinfl)
    .where('m.valid_to', 'is', null)
    .executeTakeFirstOrThrow();
  const month = new Date().toISOString().slice(0, 7);
  await evaluateHousehold(db, householdId, month);
  const override = (amount: number) => ({
    id: randomUUID(),
    householdId,
    programme: 'material_assistance' as const,
    month,
    amount,
    reason: 'The family lost its income after a flood',
    legalBasis: 'Material assistance regulation, discretion of the district department',
  });
  const approved = override(380_000);
  await createOverride(db, approved, 'staff:district');
  const done = await db.transaction().execute((trx) => approveOverride(trx, approved.id, 'staff:admin'));
  await createOverride(db, override(420_000), 'staff:district');
  // The district officer's own household (the citizen's may lie in another district), with its decisions.
  const district = await districtHousehold(server);
  await evaluateHousehold(db, district.id, month);
  const staffDecision = await db
    .selectFrom('decision')
    .select('id')
    .where('household_id', '=', district.id)
    .orderBy('id')
    .executeTakeFirst();
  return {
    householdId,
    decisionId: done.decisionId ?? 0,
    staffHouseholdId: district.id,
    staffDecisionId: Number(staffDecision?.id ?? done.decisionId ?? 0),
  };
}

/** The first household the district officer's list shows. */
async function districtHousehold(server: TestServer): Promise<{ id: string }> {
  const login = await fetch(`${server.baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'district', password: 'himoya-demo' }),
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const found = (await (
    await fetch(`${server.baseUrl}/api/households?pageSize=1`, { headers: { cookie } })
  ).json()) as {
    items: { id: string }[];
  };
  const first = found.items[0];
  if (!first) throw new Error('the district officer sees no household');
  return first;
}

describe.skipIf(!chromiumPath)('every page in people’s words, in the four languages', () => {
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

  it('shows no id, code, actor string or other language’s word on any citizen or staff page', async () => {
    const { householdId, decisionId, staffHouseholdId, staffDecisionId } = await arrange(server);
    const base = server.baseUrl;
    // Reading the record as the district officer writes access-log entries the citizen then sees.
    const visits: { account: 'citizen' | string; pages: [string, string][] }[] = [
      {
        account: 'district',
        pages: [
          ['staff-home', '/staff'],
          ['staff-households', '/staff/households'],
          ['staff-record', `/staff/households/${staffHouseholdId}?purpose=casework`],
          ['staff-overrides', '/staff/overrides'],
          ['staff-change-requests', '/staff/worklists/change-requests'],
          ['staff-applications', '/staff/worklists/applications'],
          ['staff-appeals', '/staff/worklists/appeals'],
          ['staff-duplicates', '/staff/duplicates'],
          ['staff-propose-override', `/staff/households/${staffHouseholdId}/override?purpose=casework`],
          ['staff-decision', `/staff/decisions/${staffDecisionId}`],
          ['staff-returned-payments', '/staff/payments/returned'],
        ],
      },
      {
        account: 'finance',
        pages: [
          ['staff-payments', '/staff/payments'],
          ['staff-payroll', '/staff/payments/payroll'],
          ['staff-reconciliation', '/staff/payments/reconciliation'],
        ],
      },
      {
        account: 'admin',
        pages: [
          ['staff-accounts', '/staff/accounts'],
          ['staff-account-new', '/staff/accounts/new'],
          ['staff-clients', '/staff/clients'],
          ['staff-admin-requests', '/staff/admin-requests'],
          ['staff-dead-letters', '/staff/dead-letters'],
          ['staff-outbox', '/staff/outbox'],
          ['staff-audit', '/staff/audit'],
        ],
      },
      {
        account: 'citizen',
        pages: [
          ['citizen-home', '/citizen'],
          ['citizen-household', '/citizen/household'],
          ['citizen-payments', '/citizen/payments'],
          ['citizen-benefits', '/citizen/benefits'],
          ['citizen-offer', `/citizen/benefits/${decisionId}`],
          ['citizen-decisions', '/citizen/decisions'],
          ['citizen-notifications', '/citizen/notifications'],
          ['citizen-access-log', '/citizen/access-log'],
          ['citizen-apply', '/citizen/apply'],
          ['citizen-applications', '/citizen/applications'],
          ['citizen-documents', '/citizen/documents'],
          ['citizen-appeals', '/citizen/appeals'],
          ['citizen-cases', '/citizen/cases'],
          ['citizen-report-fact', '/citizen/household/report?fact=income'],
        ],
      },
    ];
    const found: string[] = [];
    let visited = 0;
    for (const { account, pages } of visits) {
      const context = await browser.newContext();
      const page =
        account === 'citizen'
          ? await signInCitizen(context, base)
          : await signInStaff(context, base, account);
      for (const language of LANGUAGES) {
        await switchLanguage(page, language);
        for (const [name, path] of pages) {
          const started = Date.now();
          found.push(...(await scan(page, `${base}${path}`, language, name)));
          if (process.env.WORDS_TRACE) console.log(`${name} ${language} ${Date.now() - started} ms`);
          visited++;
        }
      }
      await context.close();
    }
    expect(visited).toBe(LANGUAGES.length * visits.reduce((n, v) => n + v.pages.length, 0));
    expect(found).toEqual([]);
  }, 900_000);
});
