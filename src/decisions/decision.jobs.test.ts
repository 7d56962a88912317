import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { loadConfig } from '../platform/config.ts';
import { EVALUATE_MONTH_JOB, scheduleNightlyEvaluation, tashkentMonth } from './decision.jobs.ts';

describe('nightly proactive evaluation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.jobs.start({ work: false });
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const contextWith = (schedule: string) => ({
    config: loadConfig({ NODE_ENV: 'test', EVALUATE_SCHEDULE: schedule }),
    database: t.database,
    logger: pino({ level: 'silent' }),
    jobs: t.jobs,
  });

  it('is scheduled in the database in Tashkent time, changed by the setting, and removed when off', async () => {
    await scheduleNightlyEvaluation(contextWith('0 2 * * *'));
    expect(await t.jobs.schedules()).toContainEqual({
      name: EVALUATE_MONTH_JOB,
      cron: '0 2 * * *',
      timezone: 'Asia/Tashkent',
    });
    await scheduleNightlyEvaluation(contextWith('30 1 * * *'));
    const changed = (await t.jobs.schedules()).filter((s) => s.name === EVALUATE_MONTH_JOB);
    expect(changed).toEqual([{ name: EVALUATE_MONTH_JOB, cron: '30 1 * * *', timezone: 'Asia/Tashkent' }]);
    await scheduleNightlyEvaluation(contextWith('off'));
    expect((await t.jobs.schedules()).map((s) => s.name)).not.toContain(EVALUATE_MONTH_JOB);
  });

  it('refuses a schedule that is not a cron expression', () => {
    expect(() => loadConfig({ EVALUATE_SCHEDULE: 'every night' })).toThrow(/EVALUATE_SCHEDULE/);
  });

  it('evaluates the month it is in Tashkent: 02:00 on the 1st is already the new month', () => {
    // 21:30 UTC on 30 November is 02:30 on 1 December in Tashkent.
    expect(tashkentMonth(new Date('2026-11-30T21:30:00Z'))).toBe('2026-12');
    expect(tashkentMonth(new Date('2026-11-30T18:59:59Z'))).toBe('2026-11');
    expect(tashkentMonth(new Date('2026-12-31T19:00:00Z'))).toBe('2027-01');
  });
});
