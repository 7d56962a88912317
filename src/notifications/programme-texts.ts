import type { Language } from '../platform/errors.ts';
import { findProgramme } from '../programs/catalogue.ts';
import type { ProgrammeDescription, ProgrammeNotice } from '../programs/description.ts';

/**
 * What messages say about programmes, read from the programme registry: each programme's name in
 * messages (`notificationName` of its folder's describe.ts) and its own wording of some messages
 * (`notifications`), kept apart from the shared templates.
 */

/**
 * Programmes outside the registry that messages name: the one-time birth allowance is paid by the
 * birth bundle, not decided monthly, so no programme folder describes it (yet).
 */
const NAMES_OUTSIDE_REGISTRY: Record<string, Record<Language, string>> = {
  birth_allowance: {
    'uz-Latn': "Tug'ilish nafaqasi",
    'uz-Cyrl': 'Туғилиш нафақаси',
    ru: 'Единовременное пособие при рождении',
    en: 'Birth allowance',
  },
};

/** A programme's name inside a message: its folder's `notificationName`, or the code as given. */
export function programmeName(
  code: string,
  language: Language,
  catalogue: readonly ProgrammeDescription[],
): string {
  return (
    findProgramme(code, catalogue)?.notificationName[language] ??
    NAMES_OUTSIDE_REGISTRY[code]?.[language] ??
    code
  );
}

/**
 * A programme folder's own wording of a message: its `{name}` placeholders (ICU simple arguments) filled
 * with the values the shared templates get, already written by the one formatter (amounts, months, dates,
 * programme names).
 */
export function fillProgrammeText(text: string, values: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** The wording a programme's folder gives a message (`notifications` of its describe.ts), if any. */
export function programmeWording(
  template: string,
  params: Readonly<Record<string, string | number>>,
  language: Language,
  catalogue: readonly ProgrammeDescription[],
): string | undefined {
  const programme =
    params.programme === undefined ? undefined : findProgramme(String(params.programme), catalogue);
  return programme?.notifications?.[template as ProgrammeNotice]?.body[language];
}
