import type { Database } from '../../platform/db/database.ts';
import type { LifeEvent } from '../../proactive/life-event.ts';
import type { AgencyName, AnyAdapter } from '../adapters/adapter.ts';
import { ADAPTERS } from '../adapters/index.ts';
import { type IngestResult, ingest, markReacted, type RecordStatus } from './ingest.ts';

/** Hands a life event to the proactive services; wired to `reactToLifeEvent` by the route plugin. */
export type OnLifeEvent = (event: LifeEvent) => Promise<void>;

export interface InboundOptions {
  onLifeEvent?: OnLifeEvent | undefined;
  logger?: { error(details: object, message: string): void } | undefined;
}

export type EventStatus = RecordStatus & { reacted?: boolean };

export interface PushResult {
  agency: AgencyName;
  received: number;
  applied: number;
  duplicates: number;
  quarantined: number;
  results: EventStatus[];
}

export function adapterOf(agency: string): AnyAdapter | undefined {
  return Object.hasOwn(ADAPTERS, agency) ? ADAPTERS[agency as AgencyName] : undefined;
}

/**
 * Tells the proactive services of the life events of a committed batch, one after the other, and marks
 * each one reacted to. A failed reaction is logged and left unmarked: the event's resend (or re-pull)
 * reacts again, while a successful one is never repeated.
 */
export async function reactToBatch(
  database: Database,
  agency: AgencyName,
  result: IngestResult,
  options: InboundOptions,
): Promise<Map<string, boolean>> {
  const reacted = new Map<string, boolean>();
  if (!options.onLifeEvent) return reacted;
  const done: string[] = [];
  for (const event of result.lifeEvents) {
    const recordId = event.eventId.slice(agency.length + 1);
    try {
      await options.onLifeEvent(event);
      done.push(recordId);
      reacted.set(recordId, true);
    } catch (error) {
      reacted.set(recordId, false);
      options.logger?.error({ err: error, eventId: event.eventId }, 'reaction to a life event failed');
    }
  }
  await markReacted(database.db, agency, done);
  return reacted;
}

/**
 * Pushed change events of one agency: validated, stored, applied in one transaction (bad ones
 * quarantined, repeated ones reported as duplicates), then, after the commit and before the reply, each
 * life event handed to `onLifeEvent`, so that "applied" in the reply also means "reacted to".
 */
export async function receivePushedEvents(
  database: Database,
  agency: AgencyName,
  events: readonly unknown[],
  options: InboundOptions = {},
): Promise<PushResult> {
  const adapter = ADAPTERS[agency];
  const result = await ingest(database, adapter, events, { channel: 'push', detail: true });
  const reacted = await reactToBatch(database, agency, result, options);
  return {
    agency,
    received: result.received,
    applied: result.applied,
    duplicates: result.duplicates,
    quarantined: result.quarantined,
    results: result.statuses.map((s) => {
      const r = s.recordId === null ? undefined : reacted.get(s.recordId);
      return r === undefined ? s : { ...s, reacted: r };
    }),
  };
}
