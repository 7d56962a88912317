import { CHILD_ALLOWANCE_DESCRIPTION } from './child-allowance/describe.ts';
import type {
  Labels,
  ProgrammeChannels,
  ProgrammeDescription,
  ProgrammeLanguage,
  ProgrammeOutcome,
} from './description.ts';
import { MATERIAL_ASSISTANCE_DESCRIPTION } from './material-assistance/describe.ts';
import { SOCIAL_REGISTRY_DESCRIPTION } from './social-registry/describe.ts';

/**
 * THE list of programmes people are decided for, in the order the portal shows them. Adding a programme
 * is one line here (its web-safe description) and one in `index.ts` (its rules); everything else, from
 * the zod enums and the decision totals to the portal's forms and labels, is read from these lists.
 * Web-safe: imports descriptions only.
 */
export const CATALOGUE: readonly ProgrammeDescription[] = [
  SOCIAL_REGISTRY_DESCRIPTION,
  CHILD_ALLOWANCE_DESCRIPTION,
  MATERIAL_ASSISTANCE_DESCRIPTION,
];

/** A programme id, as stored (a string checked against the `programme` table and the catalogue). */
export type ProgrammeId = string;

/** The ids of a catalogue, optionally only those a channel may name; a non-empty tuple for `z.enum`. */
export function programmeIds(
  channel?: keyof ProgrammeChannels,
  catalogue: readonly ProgrammeDescription[] = CATALOGUE,
): [string, ...string[]] {
  const ids = catalogue.filter((p) => channel === undefined || p.channels[channel]).map((p) => p.id);
  const [first, ...rest] = ids;
  if (first === undefined) throw new Error(`No programme may be named through ${channel ?? 'any channel'}`);
  return [first, ...rest];
}

/** The programmes a channel may name (the apply and override pages list these). */
export function programmesFor(
  channel: keyof ProgrammeChannels,
  catalogue: readonly ProgrammeDescription[] = CATALOGUE,
): ProgrammeDescription[] {
  return catalogue.filter((p) => p.channels[channel]);
}

export function findProgramme(
  id: string,
  catalogue: readonly ProgrammeDescription[] = CATALOGUE,
): ProgrammeDescription | undefined {
  return catalogue.find((p) => p.id === id);
}

/**
 * True for a status programme (its outcome is a category with a share, shown as the category), false for a
 * payment (shown as so'm a month) and for an id the catalogue does not know.
 */
export function isCategoryProgramme(
  id: string,
  catalogue: readonly ProgrammeDescription[] = CATALOGUE,
): boolean {
  return findProgramme(id, catalogue)?.outcome.kind === 'category';
}

/** The portal labels of every programme in one language, by id (the web's `programme.<id>` messages). */
export function programmeLabels(
  language: ProgrammeLanguage,
  catalogue: readonly ProgrammeDescription[] = CATALOGUE,
): Record<string, string> {
  return Object.fromEntries(catalogue.map((p) => [p.id, p.label[language]]));
}

/** What `GET /api/programmes` answers for one programme. */
export interface ProgrammeListing {
  id: string;
  label: string;
  outcome: ProgrammeOutcome['kind'];
  channels: ProgrammeChannels;
  payment: ProgrammeDescription['payment'];
}

/** The catalogue as the portal and partners read it: labels in one language, no variable names. */
export function listProgrammes(
  language: ProgrammeLanguage,
  catalogue: readonly ProgrammeDescription[] = CATALOGUE,
): ProgrammeListing[] {
  return catalogue.map((p) => ({
    id: p.id,
    label: p.label[language],
    outcome: p.outcome.kind,
    channels: { ...p.channels },
    payment: { ...p.payment },
  }));
}

export type { Labels, ProgrammeDescription, ProgrammeLanguage };
