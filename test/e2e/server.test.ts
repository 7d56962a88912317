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

    const summary = await (await fetch(`${server.baseUrl}/api/registry/summary`)).json();
    expect(summary.households).toBe(300);
    expect(summary.persons).toBeGreaterThan(900);
    expect(summary.byDistrict.length).toBeGreaterThanOrEqual(10);

    const list = await (await fetch(`${server.baseUrl}/api/households?pageSize=1`)).json();
    const householdId = list.items[0].id;
    const view = await (await fetch(`${server.baseUrl}/api/households/${householdId}`)).json();
    expect(view.members.filter((m: { relationship: string }) => m.relationship === 'head')).toHaveLength(1);
    expect(view.members[0].source).toBe('civil_registry');

    const docs = await fetch(`${server.baseUrl}/docs/`);
    expect(docs.status).toBe(200);
    const page = await fetch(`${server.baseUrl}/`);
    expect(await page.text()).toContain('Himoya');

    await server.stop();
    server = await server.restart();
    const after = await (await fetch(`${server.baseUrl}/api/registry/summary`)).json();
    expect(after.households).toBe(300);
    const sameHousehold = await fetch(`${server.baseUrl}/api/households/${householdId}`);
    expect(sameHousehold.status).toBe(200);
  });
});
