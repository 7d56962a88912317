import { randomUUID } from 'node:crypto';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uploadDocument } from '../../src/documents/documents.service.ts';
import overrideWords from '../../web/src/i18n/override/uz-Latn.json' with { type: 'json' };
import recordWords from '../../web/src/i18n/record/uz-Latn.json' with { type: 'json' };
import roleAwareWords from '../../web/src/i18n/roleAware/uz-Latn.json' with { type: 'json' };
import staffDocsWords from '../../web/src/i18n/staffDocs/uz-Latn.json' with { type: 'json' };
import { expectAccessible } from '../support/accessibility.ts';
import { browserAvailability, CHROMIUM_FLAGS } from '../support/browser.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { staffClient } from '../support/staff-client.ts';

const { path: chromiumPath } = browserAvailability();

/**
 * Issue 12, point 5: a worker never sees a control that answers 403. Each demo staff role signs in, opens a
 * household record, a decision and the overrides awaiting approval; every control on the page is matched to
 * the action it triggers, which the server must report allowed for that role, and a sample of them is called
 * through the API, which must not answer 403. The known dead ends are gone: the worker has no override
 * form, the district officer no Approve on their own proposal, the administrator and the auditor read the
 * documents after stating a purpose, and the district officer is asked none in their own district.
 */

const ROLES = ['worker1', 'district', 'admin', 'auditor'] as const;
type Role = (typeof ROLES)[number];
const MONTH = '2026-03';

interface Access {
  allowedActions: string[];
  purposeRequired: boolean;
  purpose: string | null;
}

/** The action a control of the staff pages triggers, from where it leads or what it says. */
function actionOf(control: { tag: string; href: string | null; text: string }): string | null {
  const { href, text } = control;
  if (href?.match(/\/staff\/households\/[^/]+\/override/)) return 'override.propose';
  if (href?.match(/\/staff\/decisions\//)) return 'decisions.read';
  if (href?.match(/\/staff\/households\/[^/?]+$/)) return 'household.read_sections';
  if (text === overrideWords.approve) return 'override.approve';
  if (text === overrideWords.reject || text === roleAwareWords.withdraw) return 'override.reject';
  return null;
}

/** The controls inside the page's main content: links styled as buttons, links to records, and buttons. */
async function controlsOn(page: Page) {
  return page.locator('main a, main button').evaluateAll((nodes) =>
    nodes
      .filter((n) => (n as HTMLElement).offsetParent !== null)
      .map((n) => ({
        tag: n.tagName.toLowerCase(),
        href: n.getAttribute('href'),
        text: (n.textContent ?? '').trim(),
        back: n.classList.contains('back-link'),
      })),
  );
}

describe.skipIf(!chromiumPath)('role-aware screens', () => {
  let server: TestServer;
  let browser: Browser;
  const clients = {} as Record<Role, Awaited<ReturnType<typeof staffClient>>>;
  /** A household of the district officer's district: their overrides, so open casework. */
  let busy = '';
  /** A household of the worker's mahalla without casework: a region-wide role states a purpose. */
  let quiet = '';
  let decisionId: number;
  let ownOverride: string;

  beforeAll(async () => {
    server = await startTestServer({ households: 40 });
    browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_FLAGS });
    for (const role of ROLES) clients[role] = await staffClient(server.baseUrl, role);
    const needsPurpose = async (id: string) =>
      (await clients.admin<Access>(`/api/households/${id}/access`)).purposeRequired;
    const mine = await clients.worker1<{ items: { id: string }[] }>('/api/households?pageSize=50');
    for (const h of mine.items) if (!quiet && (await needsPurpose(h.id))) quiet = h.id;
    const district = await clients.district<{ items: { id: string }[] }>('/api/households?pageSize=50');
    // The worker's mahalla lies in the district: a household there is one every role here may open.
    busy = (mine.items.find((h) => h.id !== quiet) ?? district.items.find((h) => h.id !== quiet))?.id ?? '';
    if (!quiet || !busy)
      throw new Error('the seed has no household without casework in the worker’s mahalla');

    // A decision: the district officer proposes, the administrator approves (four eyes).
    const propose = (amount: number, programme: string) =>
      clients.district<{ id: string }>('/api/overrides', {
        id: randomUUID(),
        householdId: busy,
        programme,
        month: MONTH,
        amount,
        reason: 'Oila daromadi kamaydi',
        legalBasis: 'VM qarori 2019-yil 6-sentabr',
      });
    const approved = await propose(420_000, 'material_assistance');
    const decided = await clients.admin<{ decisionId: number }>(`/api/overrides/${approved.id}/approve`, {});
    decisionId = decided.decisionId;
    ownOverride = (await propose(150_000, 'child_allowance')).id;

    // A document of the quiet household, for the documents box.
    const { db } = server.running.ctx.database;
    const view = await clients.district<{ members: { personId: string }[] }>(`/api/households/${quiet}`);
    await uploadDocument(
      db,
      {
        id: randomUUID(),
        personId: view.members[0]?.personId ?? '',
        householdId: quiet,
        filename: 'ariza.png',
        contentType: 'image/png',
        data: Buffer.from(
          'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
          'base64',
        ),
      },
      { maxCount: 10, maxBytes: 1_000_000 },
    );
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.destroy();
  });

  async function signIn(role: Role, path: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.baseUrl}${path}`);
    await page.getByLabel('Foydalanuvchi nomi').fill(role);
    await page.getByLabel('Parol').fill('himoya-demo');
    await page.getByRole('button', { name: 'Kirish' }).click();
    return page;
  }

  /** Every control on the page leads to an action the server reports allowed for this record and role. */
  async function expectOnlyAllowed(page: Page, allowed: readonly string[], where: string) {
    for (const control of await controlsOn(page)) {
      if (control.back) continue;
      const action = actionOf(control);
      expect(action, `${where}: a control the test cannot name: ${JSON.stringify(control)}`).not.toBeNull();
      expect(allowed, `${where}: ${control.text}`).toContain(action);
    }
  }

  /** A sample of the allowed actions, called through the API as the role: none answers 403. */
  async function expectNotRefused(role: Role, calls: string[]) {
    for (const path of calls) {
      const reply = await clients[role]<unknown>(path).catch((error: Error) => error);
      expect(reply instanceof Error ? reply.message : 'ok', `${role} ${path}`).not.toMatch(/: 403 /);
    }
  }

  for (const role of ROLES) {
    it(`${role}: the household record offers only what the role may do`, async () => {
      const access = await clients[role]<Access>(`/api/households/${quiet}/access`);
      const page = await signIn(role, `/staff/households/${quiet}`);
      const regionWide = role === 'admin' || role === 'auditor';
      // Inside one's own mahalla or district no purpose is asked; a region-wide role states one.
      expect(access.purposeRequired).toBe(regionWide);
      if (regionWide) {
        await page.getByRole('heading', { name: recordWords.purposeTitle, level: 1 }).waitFor();
        await expectAccessible(page, `role-aware-purpose-${role}`);
        await page.locator('input[name="purpose"][value="audit"]').check();
        await page.getByRole('button', { name: recordWords.open }).click();
      }
      await page.getByRole('heading', { name: staffDocsWords.title }).waitFor();
      // The documents box loads under the purpose stated once: the file, not a refusal.
      await expect.poll(() => page.locator('main').textContent()).toContain('ariza.png');
      expect(await page.locator('main .error-summary, main [role="alert"]').count()).toBe(0);
      await expectAccessible(page, `role-aware-record-${role}`);

      const allowed = (await clients[role]<Access>(`/api/households/${quiet}/access`)).allowedActions;
      await expectOnlyAllowed(page, allowed, `record as ${role}`);
      const proposeLink = page.getByRole('link', { name: recordWords.propose });
      expect(await proposeLink.count()).toBe(allowed.includes('override.propose') ? 1 : 0);
      const purpose = regionWide ? '?purpose=audit' : '';
      await expectNotRefused(role, [
        `/api/households/${quiet}${purpose}`,
        `/api/households/${quiet}/documents${purpose}`,
        `/api/decisions?householdId=${quiet}`,
      ]);
      await page.close();
    }, 120_000);

    it(`${role}: a decision and the overrides awaiting approval offer only what the role may do`, async () => {
      const page = await signIn(role, `/staff/decisions/${decisionId}`);
      const decision = await clients[role]<{ allowedActions: string[] }>(
        `/api/decisions/${decisionId}`,
      ).catch(() => ({ allowedActions: [] as string[] }));
      if (decision.allowedActions.length > 0) await page.locator('main .back-link').waitFor();
      else await page.getByText('Sizda bunga ruxsat yo').waitFor();
      // Outside the role's reach the page says so and offers nothing.
      await expectOnlyAllowed(page, decision.allowedActions, `decision as ${role}`);
      await expectAccessible(page, `role-aware-decision-${role}`);

      // The override form: the worker hears at once that their role cannot propose overrides.
      await page.goto(`${server.baseUrl}/staff/households/${busy}/override`);
      if (role === 'worker1') {
        await page.getByRole('heading', { name: roleAwareWords.cannotProposeTitle }).waitFor();
        expect(await page.locator('form').count()).toBe(0);
        expect(decision.allowedActions).not.toContain('override.propose');
        await expectAccessible(page, 'role-aware-cannot-propose');
      } else if (decision.allowedActions.includes('override.propose')) {
        await page.getByRole('heading', { name: overrideWords.title }).waitFor();
        expect(await page.locator('form').count()).toBe(1);
      } else {
        await page.getByRole('heading', { name: roleAwareWords.cannotProposeTitle }).waitFor();
      }

      const overrides = await clients[role]<{ items: { id: string; allowedActions: string[] }[] }>(
        '/api/overrides?status=pending&pageSize=50',
      ).catch(() => ({ items: [] }));
      if (overrides.items.length > 0) {
        await page.goto(`${server.baseUrl}/staff/overrides`);
        const card = page.locator(`[data-override="${ownOverride}"]`);
        await card.waitFor();
        const own = overrides.items.find((o) => o.id === ownOverride);
        expect(own).toBeDefined();
        // The cards link to their household's record: what the role may do there counts too.
        const household = await clients[role]<Access>(`/api/households/${busy}/access`);
        await expectOnlyAllowed(
          page,
          [...(own?.allowedActions ?? []), ...household.allowedActions],
          `overrides as ${role}`,
        );
        const approve = card.getByRole('button', { name: overrideWords.approve });
        if (role === 'district') {
          // Four eyes: no Approve on one's own proposal, and the page says why.
          expect(await approve.count()).toBe(0);
          await card.getByTestId('own-proposal').waitFor();
        }
        if (role === 'admin') expect(await approve.count()).toBe(1);
        await expectAccessible(page, `role-aware-overrides-${role}`);
        await expectNotRefused(role, [`/api/overrides/${ownOverride}`]);
      } else {
        // The role reads no overrides: nothing on its screens leads there.
        expect(role === 'worker1' || role === 'auditor').toBe(true);
      }
      if (decision.allowedActions.includes('decisions.read')) {
        await expectNotRefused(role, [`/api/decisions/${decisionId}`]);
      }
      await page.close();
    }, 120_000);
  }
});
