/**
 * The actions a screen may offer on a record, as the server names them in `allowedActions` (decided by
 * src/access/allowed-actions.ts from the routes' own policy). Shared with the web app, which shows a control
 * only when its action is in the record's list.
 */
export const SCREEN_ACTIONS = [
  /** The household record's sections: members, history, facts (`GET /api/households/:id`). */
  'household.read_sections',
  /** The documents the family uploaded (`GET /api/households/:id/documents`). */
  'documents.read',
  /** The household's decisions and each decision's explanation (`/api/decisions`). */
  'decisions.read',
  /** Re-evaluate the household now (`POST /api/households/:id/evaluate`). */
  'household.evaluate',
  /** Propose a correction of the household's data (`POST /api/change-requests`). */
  'change_request.submit',
  /** Apply or reject a pending change (`POST /api/change-requests/:id/apply|reject`). */
  'change_request.review',
  /** Propose a manual override (`POST /api/overrides`). */
  'override.propose',
  'override.read',
  /** Approve an override: never one's own proposal (four eyes). */
  'override.approve',
  /** Reject an override, or withdraw one's own proposal. */
  'override.reject',
  'application.read',
  /** The social worker's questionnaire and the mahalla committee's opinion. */
  'application.process',
  'application.decide',
  'appeal.read',
  /** Move an appeal on: review, uphold, overturn. */
  'appeal.decide',
] as const;
export type ScreenAction = (typeof SCREEN_ACTIONS)[number];
