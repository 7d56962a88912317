import type { Language } from '../platform/errors.ts';
import { findProgramme } from '../programs/catalogue.ts';
import type { ProgrammeDescription, ProgrammeNotice } from '../programs/description.ts';
import type { Formatter, NotificationTemplate, Params } from './templates.ts';

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
 * A programme folder's own wording of a message: `{name}` placeholders (ICU simple arguments) filled with
 * the parameters, formatted as the shared templates format them (amounts, months, dates, programme names).
 */
export function fillProgrammeText(text: string, params: Params, f: Formatter): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (name === 'programme') return f.programme(value);
    if (name === 'amount') return f.amount(value);
    if (name === 'month') return f.month(value);
    if (name === 'date') return f.date(value);
    return f.text(value);
  });
}

export function programmeWording(
  template: NotificationTemplate,
  params: Params,
  language: Language,
  catalogue: readonly ProgrammeDescription[],
): string | undefined {
  const programme =
    params.programme === undefined ? undefined : findProgramme(String(params.programme), catalogue);
  return programme?.notifications?.[template as ProgrammeNotice]?.body[language];
}
