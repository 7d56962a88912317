import { type MessageKey, translate } from '../i18n/index.ts';
import { DomainError, type Language } from '../platform/errors.ts';
import { CATALOGUE } from '../programs/catalogue.ts';
import type { ProgrammeDescription } from '../programs/description.ts';
import { formatMonth, formatMonthFrom, formatShortDate, formatSoum } from '../shared/format.ts';
import { fillProgrammeText, programmeName, programmeWording } from './programme-texts.ts';

/**
 * The messages Himoya sends, in the four languages of the portal. The texts are ICU messages in
 * src/i18n/notifications/<language>.json (plural and select instead of code); this file names the
 * parameters each template needs. The text is rendered once, when the message is enqueued, in the person's
 * preferred language, and kept as sent. Amounts are so'm (whole numbers), months 'YYYY-MM', programmes an
 * id of the programme registry (named by the folder's `notificationName`; a programme folder may word its
 * own messages), links a short path the portal resolves.
 */

export type Params = Record<string, string | number>;

interface TemplateDefinition {
  /** Required parameters (a template may read optional ones too). */
  params: readonly string[];
  /** Optional parameters: given to the message as `none` when absent, for its `select`. */
  optional?: readonly string[];
}

export const TEMPLATES = {
  /** A proactive offer: the family was found eligible without applying. */
  'offer.granted': { params: ['programme', 'amount', 'month', 'link'] },
  'entitlement.ended': { params: ['programme', 'month'] },
  'entitlement.changed': { params: ['programme', 'amount', 'month'] },
  /**
   * A decision written by an approved override (`after_review`) or by the override remedying an overturned
   * appeal (`after_appeal`); `kind` is the decision's: granted, amount_changed or ended.
   */
  'decision.after_review': { params: ['programme', 'kind', 'amount', 'month', 'link'] },
  'decision.after_appeal': { params: ['programme', 'kind', 'amount', 'month', 'link'] },
  /** The family accepted a proactive offer on the portal: the payment will follow. */
  'offer.accepted': { params: ['programme'] },
  'application.received': { params: ['programme', 'reference'] },
  /** `entitled`: 'yes' or 'no'; `amount` a month when granted (0 otherwise). */
  'application.decided': { params: ['programme', 'entitled', 'amount'] },
  /**
   * Birth bundle, step 1: the birth is registered and the child registered at the parents' address.
   * Optional `childName` and `date` (of birth, 'YYYY-MM-DD').
   */
  'birth.registered': { params: [], optional: ['childName', 'date'] },
  /** Birth bundle, step 2: the child is on the waiting list of the chosen kindergarten. */
  'birth.kindergarten_queued': { params: ['childName', 'kindergarten'] },
  /** Birth bundle, step 3: the one-time birth allowance (claimable within 6 months) is processed. */
  'birth.allowance_processed': { params: ['childName', 'amount'] },
  /** A payment the bank made: `account` is the last four digits of the account paid to. */
  'payment.paid': { params: ['programme', 'amount', 'month', 'account'] },
  /** A payment the bank returned; `reason` one of the bank file's rejection reasons. */
  'payment.rejected': { params: ['programme', 'amount', 'month', 'reason'] },
} as const satisfies Record<MessageKey<'notifications'>, TemplateDefinition>;

export type NotificationTemplate = keyof typeof TEMPLATES;
export const NOTIFICATION_TEMPLATES = Object.keys(TEMPLATES) as NotificationTemplate[];

const granted = (p: Params) => p.entitled === 'yes' || p.entitled === 'true' || p.entitled === 1;

/** The values a message reads: amounts, months, dates and programmes written by the one formatter. */
function valuesOf(
  definition: TemplateDefinition,
  params: Params,
  language: Language,
  catalogue: readonly ProgrammeDescription[],
): Params {
  const values: Params = { ...params };
  for (const name of definition.optional ?? [])
    if (params[name] === undefined || params[name] === '') values[name] = 'none';
  if (params.amount !== undefined) values.amount = formatSoum(Number(params.amount), language);
  if (params.month !== undefined) {
    values.month = formatMonth(String(params.month), language);
    values.monthFrom = formatMonthFrom(String(params.month), language);
  }
  if (params.date !== undefined && params.date !== '') values.date = formatShortDate(String(params.date));
  if (params.programme !== undefined)
    values.programme = programmeName(String(params.programme), language, catalogue);
  if (params.entitled !== undefined) values.entitled = granted(params) ? 'yes' : 'no';
  return values;
}

/**
 * The text of a template in a language; a missing parameter is a caller's mistake (VALIDATION_FAILED).
 * When the message names a programme whose folder words this message itself, its wording is used.
 */
export function renderTemplate(
  template: NotificationTemplate,
  params: Params,
  language: Language,
  catalogue: readonly ProgrammeDescription[] = CATALOGUE,
): string {
  const definition: TemplateDefinition | undefined = TEMPLATES[template];
  if (!definition) throw new DomainError('VALIDATION_FAILED', { reason: 'unknown template', template });
  const missing = definition.params.filter((name) => params[name] === undefined || params[name] === '');
  if (missing.length > 0) {
    throw new DomainError('VALIDATION_FAILED', { reason: 'template parameters missing', template, missing });
  }
  const values = valuesOf(definition, params, language, catalogue);
  const own = programmeWording(template, params, language, catalogue);
  return own === undefined
    ? translate('notifications', template, language, values)
    : fillProgrammeText(own, values);
}
