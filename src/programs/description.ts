/**
 * What a programme tells the rest of the system about itself, as plain data. This file and every
 * `<folder>/describe.ts` import nothing but types: the web app bundles them (labels, the apply and
 * override pages), so no rules engine, database or Node code may come in through here.
 */

/** The portal's languages (the same union as `Language` of platform/errors.ts, repeated to stay import-free). */
export type ProgrammeLanguage = 'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en';
export const PROGRAMME_LANGUAGES: readonly ProgrammeLanguage[] = ['uz-Latn', 'uz-Cyrl', 'ru', 'en'];

/** One text in each of the four languages. */
export type Labels = Readonly<Record<ProgrammeLanguage, string>>;

/**
 * How a decision reads the programme's outcome out of an evaluation.
 * - `category`: a status programme (the Social Registry): entitled unless the category variable says
 *   'none'; the amount stored is the share variable in per mille (a share of 0.75 is 750).
 * - `amount`: a payment: entitled when the amount variable (so'm a month) is above 0.
 */
export type ProgrammeOutcome =
  | { readonly kind: 'category'; readonly category: string; readonly share: string }
  | { readonly kind: 'amount'; readonly amount: string };

/**
 * The programme messages a folder may word itself; any it leaves out use the shared wording. (The
 * decision on an application has two wordings, granted or not, and stays shared.)
 */
export type ProgrammeNotice =
  | 'offer.granted'
  | 'entitlement.changed'
  | 'entitlement.ended'
  | 'application.received';

/**
 * A message text per language, with named placeholders in ICU style: `{programme}`, `{amount}`,
 * `{month}`, `{link}`, `{reference}` (the notification's parameters, formatted for the language).
 * Notifications are SMS: a body only, no title.
 */
export interface ProgrammeMessage {
  readonly body: Labels;
}

/** Where a programme may be named by people and clients (a programme nobody may apply for is still decided). */
export interface ProgrammeChannels {
  /** Citizens and social workers may apply for it (the portal's apply page, POST /api/applications). */
  readonly applications: boolean;
  /** Officers may propose a manual override of it (four-eyes). */
  readonly overrides: boolean;
  /** Partner systems (my.gov.uz, centres) may submit applications for it. */
  readonly intake: boolean;
}

/** When the payments context pays what is decided (read by the payments work; nothing pays yet). */
export interface ProgrammePayment {
  readonly schedule: 'monthly' | 'one_time' | 'none';
}

export interface ProgrammeDescription {
  /** The programme id stored in decisions, entitlements, applications and overrides (snake_case). */
  readonly id: string;
  /** The name shown on the portal (pages, lists, forms). */
  readonly label: Labels;
  /** The name used inside messages sent to people (SMS). */
  readonly notificationName: Labels;
  readonly outcome: ProgrammeOutcome;
  readonly channels: ProgrammeChannels;
  readonly payment: ProgrammePayment;
  /** The folder's own wording of some messages (by default the shared templates name the programme). */
  readonly notifications?: Readonly<Partial<Record<ProgrammeNotice, ProgrammeMessage>>>;
}

/** Identity with a type check: a folder's `describe.ts` exports `defineProgramme({...})`. */
export function defineProgramme<const T extends ProgrammeDescription>(description: T): T {
  return description;
}
