import type { ScreenAction } from '../../../../src/shared/screen-actions.ts';

/**
 * What the server says the signed-in officer may do with a record (its `allowedActions`): a screen shows a
 * control only when its action is listed, so no button answers 403. The server checks again on every call.
 */
export interface AllowedActions {
  allowedActions: ScreenAction[];
}

export function allows(record: Partial<AllowedActions> | undefined, action: ScreenAction): boolean {
  return record?.allowedActions?.includes(action) ?? false;
}

/** A household's access answer (`GET /api/households/:id/access`, and the record itself). */
export interface HouseholdAccess extends AllowedActions {
  purposeRequired: boolean;
  purpose: string | null;
}
