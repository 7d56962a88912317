import { SCREEN_ACTIONS, type ScreenAction } from '../shared/screen-actions.ts';
import type { Actor } from './actor.ts';
import { type Action, can, type Place } from './policies.ts';

/**
 * What a screen may offer an actor on one record. The server answers it with the record, so the web shows a
 * control only when the route behind it will not answer 403. Each screen action names the policy actions the
 * route checks on the record's household (any one of them suffices, as `anyOf` routes do), and the few
 * record-level rules beyond the area (four eyes); `can` is the policy the routes themselves ask, so the answer
 * cannot drift from the routes. A record's state (pending, decided) is not access: a decided override
 * answers 409, not 403, and the screen reads the status itself.
 */

export { SCREEN_ACTIONS, type ScreenAction };

/** The policy actions a screen action needs on the record's household: any one of them. */
export const NEEDS: Readonly<Record<ScreenAction, readonly Action[]>> = {
  'household.read_sections': ['registry.read'],
  'documents.read': ['registry.read'],
  'decisions.read': ['decisions.read'],
  'household.evaluate': ['evaluations.household'],
  'change_request.submit': ['change_requests.submit'],
  'change_request.review': ['change_requests.decide'],
  'override.propose': ['overrides.propose'],
  'override.read': ['overrides.propose', 'overrides.approve'],
  'override.approve': ['overrides.approve'],
  'override.reject': ['overrides.approve'],
  'application.read': ['applications.process', 'applications.decide', 'applications.submit'],
  'application.process': ['applications.process'],
  'application.decide': ['applications.decide'],
  'appeal.read': ['appeals.decide', 'appeals.submit'],
  'appeal.decide': ['appeals.decide'],
};

/** The records a screen shows, each with where its household is. */
export type ScreenResource =
  | { kind: 'household'; householdId: string; place: Place }
  | { kind: 'decision'; householdId: string; place: Place }
  | { kind: 'override'; householdId: string; place: Place; requestedBy: string }
  | { kind: 'application'; householdId: string; place: Place }
  | { kind: 'appeal'; householdId: string; place: Place }
  | { kind: 'change_request'; householdId: string; place: Place };
export type ScreenResourceKind = ScreenResource['kind'];

/** The actions each kind of record offers. */
export const ACTIONS_OF: Readonly<Record<ScreenResourceKind, readonly ScreenAction[]>> = {
  household: [
    'household.read_sections',
    'documents.read',
    'decisions.read',
    'household.evaluate',
    'change_request.submit',
    'override.propose',
  ],
  decision: ['decisions.read', 'override.propose'],
  override: ['override.read', 'override.approve', 'override.reject'],
  application: ['application.read', 'application.process', 'application.decide'],
  appeal: ['appeal.read', 'appeal.decide'],
  change_request: ['change_request.review'],
};

/**
 * Four eyes: an override is approved by someone other than its proposer. Actors are compared as the
 * casework records them (`staff:<username>`, see src/platform/http/actor.ts).
 */
export function isSecondPairOfEyes(requestedBy: string, actorId: string): boolean {
  return requestedBy !== actorId;
}

/** Who asks: the actor, its recorded id (for four eyes) and, for a citizen, their own households. */
export interface Asker {
  actor: Actor;
  actorId: string;
  ownHouseholdIds?: readonly string[];
}

/** Whether the asker may take one screen action on the record. */
export function mayTake(asker: Asker, action: ScreenAction, resource: ScreenResource): boolean {
  const { householdId, place } = resource;
  const reaches = NEEDS[action].some((needed) =>
    can(asker.actor, needed, { householdId, place }, asker.ownHouseholdIds ?? []),
  );
  if (!reaches) return false;
  if (action === 'override.approve' && resource.kind === 'override') {
    return isSecondPairOfEyes(resource.requestedBy, asker.actorId);
  }
  return true;
}

/** The actions of the record the asker may take, in the order of ACTIONS_OF. */
export function allowedActions(asker: Asker, resource: ScreenResource): ScreenAction[] {
  return ACTIONS_OF[resource.kind].filter((action) => mayTake(asker, action, resource));
}
