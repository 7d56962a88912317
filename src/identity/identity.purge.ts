import { type Kysely, sql } from 'kysely';
import type { AppContext } from '../platform/context.ts';
import type { DB } from '../platform/db/schema.ts';

/**
 * Sign-in leftovers are deleted once they are of no use: ended sessions and expired tokens after a week
 * (kept that long for investigating an incident; the audit log keeps the sign-ins for good), abandoned
 * OneID sign-ins and demo codes after a day, throttle rows of names no longer locked after a day, and
 * /auth/token throttle rows neither locked nor touched for a day.
 */
export const PURGE_JOB = 'identity.purge';
const KEEP_ENDED = '7 days';

export interface PurgeCounts {
  sessions: number;
  accessTokens: number;
  oidcLogins: number;
  demoCodes: number;
  throttles: number;
  tokenThrottles: number;
}

async function deleted(db: Kysely<DB>, statement: ReturnType<typeof sql>): Promise<number> {
  const result = await statement.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function purgeExpired(db: Kysely<DB>, now = new Date()): Promise<PurgeCounts> {
  return db.transaction().execute(async (trx) => ({
    sessions: await deleted(
      trx,
      sql`delete from auth_session where expires_at < ${now}::timestamptz - ${KEEP_ENDED}::interval
            or revoked_at < ${now}::timestamptz - ${KEEP_ENDED}::interval`,
    ),
    accessTokens: await deleted(
      trx,
      sql`delete from access_token where expires_at < ${now}::timestamptz - ${KEEP_ENDED}::interval`,
    ),
    oidcLogins: await deleted(
      trx,
      sql`delete from oidc_login where created_at < ${now}::timestamptz - interval '1 day'`,
    ),
    demoCodes: await deleted(
      trx,
      sql`delete from demo_idp_code where expires_at < ${now}::timestamptz - interval '1 day'`,
    ),
    throttles: await deleted(
      trx,
      sql`delete from login_throttle where locked_until is not null and locked_until < ${now}::timestamptz - interval '1 day'`,
    ),
    tokenThrottles: await deleted(
      trx,
      sql`delete from token_throttle where updated_at < ${now}::timestamptz - interval '1 day'
            and (locked_until is null or locked_until < ${now}::timestamptz)`,
    ),
  }));
}

export function registerIdentityJobs({ database, jobs, logger }: AppContext): void {
  jobs.register(PURGE_JOB, async () => {
    logger.info(await purgeExpired(database.db), 'expired sign-in records purged');
  });
}

/** Daily, at night in Tashkent, when this process works jobs. */
export async function scheduleIdentityPurge({ jobs }: AppContext): Promise<void> {
  await jobs.schedule(PURGE_JOB, '30 3 * * *', {}, 'Asia/Tashkent');
}
