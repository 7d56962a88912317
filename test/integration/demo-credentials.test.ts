import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_MACHINE_CLIENT, installDemoAccounts } from '../../src/identity/demo-accounts.ts';
import { identitySettings } from '../../src/identity/identity.settings.ts';
import { issueClientToken, OAuthError, resolveBearer } from '../../src/identity/machine.service.ts';
import { agenciesCommand, startAgencies } from '../../src/integration/agencies/agencies.command.ts';
import { PUSHING_AGENCIES } from '../../src/integration/agencies/simulator.ts';
import {
  openSimulatorClients,
  SIMULATOR_CLIENT_PREFIX,
} from '../../src/integration/agencies/simulator-clients.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { seedPopulation } from '../../src/synthetic/seed.ts';
import { createTestApp, type TestApp } from '../support/app.ts';

/**
 * Issue 10, finding 3: no demo credential with registry-wide reach. The simulator's clients live only
 * while it runs, each with its own agency's scope and an area; what serves personal data binds 127.0.0.1.
 */
describe('demo credentials reach little and live briefly', () => {
  let t: TestApp;
  let himoyaUrl: string;
  const quiet = () => undefined;

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, { households: 30, seed: 8, scope: 'khorezm', progress: false });
    himoyaUrl = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  const clientRows = () =>
    t.database.db
      .selectFrom('machine_client')
      .select(['id', 'agency', 'scopes', 'area_kind', 'area_code', 'disabled', 'expires_at'])
      .where('id', 'like', `${SIMULATOR_CLIENT_PREFIX}%`)
      .orderBy('id')
      .execute();
  const settings = () => identitySettings(t.config);
  const tokenFor = (clientId: string, clientSecret: string, now?: Date) =>
    issueClientToken(
      t.database.db,
      settings(),
      { clientId, clientSecret, scope: undefined, source: 'test' },
      now,
    );

  it('prints no secret in the usage text', () => {
    expect(agenciesCommand.usage).not.toMatch(/himoya-simulator-secret|secret '/);
    expect(agenciesCommand.usage).not.toContain("'agency-simulator'");
  });

  it('runs with a client per agency it simulates (own events.push, Khorezm), on 127.0.0.1, retired at stop', async () => {
    const started = await startAgencies(t.database, {
      port: 0,
      himoyaUrl,
      rate: 0,
      faults: [],
      faultRate: 0,
      seed: 4,
      log: quiet,
    });
    let stopped = false;
    try {
      expect(started.running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const rows = await clientRows();
      expect(rows.map((r) => r.agency).sort()).toEqual([...PUSHING_AGENCIES].sort());
      const inTwoMinutes = Date.now() + 2 * 60_000 + 5_000;
      for (const row of rows) {
        expect(row.scopes).toEqual(['events.push']);
        expect({ kind: row.area_kind, code: row.area_code }).toEqual({ kind: 'region', code: '1733' });
        expect(row.expires_at?.getTime()).toBeLessThan(inTwoMinutes);
      }
      // Nobody holds the relay scope any more.
      const relays = await t.database.db
        .selectFrom('machine_client')
        .select('id')
        .where((eb) => eb(eb.val('events.push:any'), '=', eb.fn.any('scopes')))
        .execute();
      expect(relays).toEqual([]);
      // Each event goes with its own agency's client: a birth as the civil registry, a new job as the pension fund.
      expect((await started.running.emit('birth'))?.status).toBe(200);
      expect((await started.running.emit('new_job'))?.status).toBe(200);

      const civil = started.temporary?.clients.civil_registry;
      if (!civil) throw new Error('no civil registry client');
      expect(civil.clientSecret).toMatch(/^[\w-]{40,}$/);
      const token = await tokenFor(civil.clientId, civil.clientSecret);
      // Its own agency only: the civil registry's client cannot push tax records.
      const foreign = await t.app.inject({
        method: 'POST',
        url: '/integration/events/tax',
        headers: { authorization: `Bearer ${token.access_token}` },
        payload: { events: [{ id: 'x' }] },
      });
      expect(foreign.statusCode).toBe(403);

      await started.stop();
      stopped = true;
      // Stopped: the secret gets no token and the token it had is refused.
      await expect(tokenFor(civil.clientId, civil.clientSecret)).rejects.toMatchObject({
        error: 'invalid_client',
      });
      expect(await resolveBearer(t.database.db, token.access_token)).toBeUndefined();
      expect((await clientRows()).every((r) => r.disabled)).toBe(true);
    } finally {
      if (!stopped) await started.stop();
    }
  });

  it('leaves nothing usable after a crash: unrenewed clients expire, and a new start replaces them', async () => {
    const now = new Date();
    const first = await openSimulatorClients(t.database.db, {
      agencies: ['vehicles'],
      ttlMs: 60_000,
      now,
    });
    const vehicles = first.clients.vehicles;
    if (!vehicles) throw new Error('no vehicles client');
    const token = await tokenFor(vehicles.clientId, vehicles.clientSecret, now);
    // No token outlives its client.
    expect(token.expires_in).toBeLessThanOrEqual(60);
    expect(await first.renew(now)).toBe(true);
    // The process died: nothing renews it. Past its end, no token and no bearer.
    const later = new Date(now.getTime() + 61_000);
    await expect(tokenFor(vehicles.clientId, vehicles.clientSecret, later)).rejects.toBeInstanceOf(
      OAuthError,
    );
    expect(await resolveBearer(t.database.db, token.access_token, later)).toBeUndefined();
    // A late renewal cannot bring it back either.
    expect(await first.renew(later)).toBe(false);
    // The next start makes the client again with a new secret; the old secret and token are dead.
    const second = await openSimulatorClients(t.database.db, { agencies: ['vehicles'] });
    const again = second.clients.vehicles;
    if (!again) throw new Error('no vehicles client');
    expect(again.clientSecret).not.toBe(vehicles.clientSecret);
    await expect(tokenFor(vehicles.clientId, vehicles.clientSecret)).rejects.toBeInstanceOf(OAuthError);
    expect(await resolveBearer(t.database.db, token.access_token)).toBeUndefined();
    expect((await tokenFor(again.clientId, again.clientSecret)).scope).toBe('events.push');
    await second.retire();
  });

  it('narrows the documented demo client to DCI search in one district, also in an older demo database', async () => {
    await installDemoAccounts(t.database);
    const reach = () =>
      t.database.db
        .selectFrom('machine_client')
        .select(['scopes', 'area_kind', 'area_code'])
        .where('id', '=', DEMO_MACHINE_CLIENT.clientId)
        .executeTakeFirstOrThrow();
    const narrowed = await reach();
    expect(narrowed.scopes).toEqual(['dci.search']);
    expect(narrowed.area_kind).toBe('district');
    expect(narrowed.area_code).toMatch(/^1733\d{3}$/);
    // A demo database from before: registry reads over the whole region. The next start narrows it.
    await t.database.db
      .updateTable('machine_client')
      .set({ scopes: ['dci.search', 'registry.read'], area_kind: 'region', area_code: '1733' })
      .where('id', '=', DEMO_MACHINE_CLIENT.clientId)
      .execute();
    await installDemoAccounts(t.database);
    expect(await reach()).toEqual(narrowed);
    // The README's demo still works: the documented secret gets a token.
    const token = await tokenFor(DEMO_MACHINE_CLIENT.clientId, DEMO_MACHINE_CLIENT.secret);
    expect(token.scope).toBe('dci.search');
  });

  it('binds Himoya itself to 127.0.0.1 unless told otherwise', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });
});
