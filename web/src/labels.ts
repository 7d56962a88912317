import i18next from 'i18next';
import { useTranslation } from 'react-i18next';

/** The groups of web/src/i18n/codes: one label per code the API sends. */
export type CodeGroup =
  | 'employment'
  | 'education'
  | 'income'
  | 'source'
  | 'dwelling'
  | 'appStatus'
  | 'overrideStatus'
  | 'changeStatus'
  | 'changeType'
  | 'fact'
  | 'dupStatus'
  | 'purpose'
  | 'action'
  | 'actorKind'
  | 'resource';

/**
 * The label of a code the API sends (an employment, a source agency, a status), in the current language.
 * A dotted code ('registry.read') is looked up whole, then by its last part; a code without a label reads
 * as the group's "other" label, never as the code itself.
 */
export function codeLabel(group: CodeGroup, code: string | null | undefined): string {
  if (code === null || code === undefined || code === '') return '—';
  const last = code.includes('.') ? code.slice(code.lastIndexOf('.') + 1) : code;
  for (const candidate of [code, last]) {
    const key = `codes.${group}.${candidate}`;
    if (!candidate.includes('.') && i18next.exists(key)) return i18next.t(key as never);
  }
  const other = `codes.${group}.other`;
  return i18next.exists(other) ? i18next.t(other as never) : '—';
}

/** Loads the codes group (suspends until it is there) and gives `codeLabel`. */
export function useCodeLabel(): typeof codeLabel {
  useTranslation(['codes']);
  return codeLabel;
}
