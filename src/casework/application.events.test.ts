import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../platform/db/schema.ts';
import { applicationStepped, onApplicationStep } from './application.events.ts';

describe('application step listeners', () => {
  it('calls each listener once per step, in order, even when the contexts are wired twice', async () => {
    const heard: string[] = [];
    const db = {} as Kysely<DB>;
    for (let wiring = 0; wiring < 2; wiring += 1) {
      onApplicationStep('test.first', async (_db, id) => heard.push(`first:${id}`));
      onApplicationStep('test.second', async (_db, id) => heard.push(`second:${id}`));
    }
    await applicationStepped(db, 'a-1');
    expect(heard.filter((h) => h.endsWith('a-1'))).toEqual(['first:a-1', 'second:a-1']);
  });
});
