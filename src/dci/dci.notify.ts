import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { JobRunner } from '../platform/jobs/job-runner.ts';
import {
  notifyRegistryEvent,
  type RegistryEvent,
  type RegistryEventType,
} from './dci.subscription.service.ts';

/**
 * What other contexts call after a change to a household has committed: subscribers of the DCI API whose
 * subscription matches are notified (queued once per subscription and event; see README).
 */

/** A life event as src/proactive hands it on (structurally: this context depends on no other's types). */
export interface LifeEventLike {
  eventId: string;
  kind: string;
  householdIds: readonly string[];
  personIds: readonly string[];
}

export type NotifiableEvent = RegistryEvent | LifeEventLike;

/**
 * The registry event a life event is, if the standard has one: a birth or a marriage adds a member to a
 * household. Deaths, jobs, cars and the like have no event type in the standard's notify enum.
 */
const LIFE_EVENT_TYPES: Readonly<Record<string, RegistryEventType>> = {
  birth: 'NewHouseHoldMember',
  marriage: 'NewHouseHoldMember',
  household_registered: 'REGISTER',
};

export function registryEventsOf(event: NotifiableEvent): RegistryEvent[] {
  if ('type' in event) return [event];
  const type = LIFE_EVENT_TYPES[event.kind];
  if (!type) return [];
  const personId = event.personIds[0];
  return event.householdIds.map((householdId) => ({
    id: event.householdIds.length > 1 ? `${event.eventId}:${householdId}` : event.eventId,
    type,
    householdId,
    ...(personId ? { personId } : {}),
  }));
}

/** Notifies the matching subscribers; returns how many new notifications were queued. */
export async function notifySubscribers(
  db: Kysely<DB>,
  jobs: JobRunner,
  event: NotifiableEvent,
): Promise<number> {
  let queued = 0;
  for (const registryEvent of registryEventsOf(event))
    queued += await notifyRegistryEvent(db, jobs, registryEvent);
  return queued;
}

export type { RegistryEvent, RegistryEventType };
