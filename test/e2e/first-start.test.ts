import { afterAll, describe, expect, it } from 'vitest';
import { tashkentMonth } from '../../src/decisions/decision.jobs.ts';
import { evaluateOnFirstStart } from '../../src/decisions/first-start.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

/** The demo's first start: the seed is followed by the current month's proactive run, once. */
describe('first start in demo mode', () => {
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.destroy();
  });

  it('evaluates the current month with its messages at start-up, and nothing again on restart', async () => {
    server = await startTestServer({ households: 60 });
    const { db } = server.running.ctx.database;
    const month = tashkentMonth();
    const runs = await db.selectFrom('evaluation_run').selectAll().where('month', '=', month).execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status).toBe('finished');
    const decisions = await db.selectFrom('decision').select(['id', 'kind']).execute();
    expect(decisions.filter((d) => d.kind === 'granted').length).toBeGreaterThan(0);
    // Every decision of the run told its family on the portal (dedupe key of the decision).
    const portal = await db
      .selectFrom('notification')
      .select(['dedupe_key', 'template'])
      .where('channel', '=', 'portal')
      .execute();
    expect(portal.filter((n) => n.template === 'offer.granted').length).toBeGreaterThan(0);
    expect(new Set(portal.map((n) => n.dedupe_key))).toEqual(
      new Set(decisions.map((d) => `decision:${d.id}`)),
    );

    // The same month again (a restart, or the function called twice): nothing new is written.
    const again = await evaluateOnFirstStart(server.running.ctx);
    expect(again).toMatchObject({ month, evaluated: false, decisions: 0, messages: 0 });
    await server.stop();
    server = await server.restart();
    const { db: db2 } = server.running.ctx.database;
    expect(
      await db2.selectFrom('evaluation_run').select('id').where('month', '=', month).execute(),
    ).toHaveLength(1);
    expect(await db2.selectFrom('decision').select('id').execute()).toHaveLength(decisions.length);
    expect(
      await db2.selectFrom('notification').select('id').where('channel', '=', 'portal').execute(),
    ).toHaveLength(portal.length);
  });
});
