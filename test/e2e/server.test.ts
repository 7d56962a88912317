import { afterAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('the server as npm start runs it', () => {
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.destroy();
  });

  it('seeds an empty database, serves the API and docs, and keeps its data across a restart', async () => {
    server = await startTestServer({ households: 300 });
    const health = await fetch(`${server.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: 'ok',
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
    });

    // Nothing of the registry without signing in; the demo accounts sign in with their documented password.
    expect((await fetch(`${server.baseUrl}/api/registry/summary`)).status).toBe(401);
    const signIn = async (base: string, username: string) => {
      const response = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'himoya-demo' }),
      });
      expect(response.status).toBe(200);
      const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      return { cookie };
    };
    const admin = await signIn(server.baseUrl, 'admin');
    const summary = await (await fetch(`${server.baseUrl}/api/registry/summary`, { headers: admin })).json();
    expect(summary.households).toBe(300);
    expect(summary.persons).toBeGreaterThan(900);
    expect(summary.byDistrict.length).toBeGreaterThanOrEqual(10);

    const worker = await signIn(server.baseUrl, 'worker1');
    const workerSummary = await (
      await fetch(`${server.baseUrl}/api/registry/summary`, { headers: worker })
    ).json();
    expect(workerSummary.mahallas).toBe(1);
    expect(workerSummary.households).toBeGreaterThan(0);
    expect(workerSummary.households).toBeLessThan(300);

    const list = await (
      await fetch(`${server.baseUrl}/api/households?pageSize=1`, { headers: worker })
    ).json();
    const householdId = list.items[0].id;
    // In the social worker's own mahalla: the worklist, no purpose to state.
    const view = await (
      await fetch(`${server.baseUrl}/api/households/${householdId}`, { headers: worker })
    ).json();
    expect(view.members.filter((m: { relationship: string }) => m.relationship === 'head')).toHaveLength(1);
    expect(view.members[0].source).toBe('civil_registry');

    const docs = await fetch(`${server.baseUrl}/docs/`);
    expect(docs.status).toBe(200);
    const page = await fetch(`${server.baseUrl}/`);
    expect(await page.text()).toContain('Himoya');

    await server.stop();
    server = await server.restart();
    // Sessions live in the database: the same sign-in still works after the restart.
    const after = await (await fetch(`${server.baseUrl}/api/registry/summary`, { headers: admin })).json();
    expect(after.households).toBe(300);
    const sameHousehold = await fetch(`${server.baseUrl}/api/households/${householdId}`, { headers: worker });
    expect(sameHousehold.status).toBe(200);
  });
});
