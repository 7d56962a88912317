import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

export interface QuarantineQuery {
  agency?: string | undefined;
  limit: number;
  before?: number | undefined;
}

export async function listQuarantine(db: Kysely<DB>, query: QuarantineQuery) {
  let q = db.selectFrom('quarantine').selectAll().orderBy('id', 'desc').limit(query.limit);
  if (query.agency) q = q.where('agency', '=', query.agency);
  if (query.before !== undefined) q = q.where('id', '<', query.before);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: Number(r.id),
    agency: r.agency,
    recordId: r.record_id,
    channel: r.channel,
    reason: r.reason,
    details: r.details,
    payload: r.payload,
    receivedAt: r.received_at,
    lastSeenAt: r.last_seen_at,
    timesSeen: r.times_seen,
  }));
}
