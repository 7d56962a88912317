/**
 * A life event that reached the registry from an agency (applied by src/integration), handed to the
 * proactive services (src/proactive) so that the family gets its offers without applying. This file is
 * the contract between the two contexts.
 */
export const LIFE_EVENT_KINDS = [
  'birth',
  'death',
  'marriage',
  'divorce',
  'new_job',
  'job_ended',
  'car_purchase',
  'property_change',
  'disability_change',
] as const;
export type LifeEventKind = (typeof LIFE_EVENT_KINDS)[number];

export interface LifeEvent {
  /** The agency's event id: the same event is reacted to once (idempotent by it). */
  eventId: string;
  /** Agency that reported it ('civil_registry', 'tax', 'pension_fund', 'vehicles', ...). */
  source: string;
  kind: LifeEventKind;
  /** Day the event happened, 'YYYY-MM-DD'. */
  occurredOn: string;
  /** The households whose entitlements may change (e.g. the newborn's household). */
  householdIds: string[];
  /** The persons concerned (the newborn, the deceased, the new employee). */
  personIds: string[];
}
