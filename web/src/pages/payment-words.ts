import { useTranslation } from 'react-i18next';
import { type BankLanguage, bankName } from '../../../src/shared/banks.ts';

/**
 * The payments' codes as the API sends them, each with its words in web/src/i18n/payments: a payment's
 * status, a batch's status, why the bank returned a payment, why one is held, and what kind of line it is.
 * A code this list does not know yet reads as the group's "other" words, never as the code.
 */
export const PAYMENT_STATUSES = ['paid', 'pending', 'rejected', 'held', 'recoverable'] as const;
export const BATCH_STATUSES = [
  'awaiting_approval',
  'approved',
  'sent',
  'partly_answered',
  'answered',
] as const;
export const REJECTION_REASONS = [
  'wrong_card',
  'closed_account',
  'holder_mismatch',
  'limit_exceeded',
  'technical',
] as const;
export const HOLD_REASONS = [
  'fraud_suspected',
  'data_mismatch',
  'account_problem',
  'no_account',
  'holder_deceased',
] as const;
export const LINE_KINDS = ['regular', 'arrears', 'correction'] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type BatchStatus = (typeof BATCH_STATUSES)[number];

function oneOf<T extends string>(list: readonly T[], value: string | null | undefined): T | 'other' {
  return list.find((item) => item === value) ?? 'other';
}

export type Tone = 'green' | 'grey' | 'blue' | 'red';

export const PAYMENT_TONE: Record<PaymentStatus | 'other', Tone> = {
  paid: 'green',
  pending: 'blue',
  rejected: 'red',
  held: 'grey',
  recoverable: 'red',
  other: 'grey',
};

export const BATCH_TONE: Record<BatchStatus | 'other', Tone> = {
  awaiting_approval: 'blue',
  approved: 'green',
  sent: 'grey',
  partly_answered: 'blue',
  answered: 'green',
  other: 'grey',
};

/** The words of the payments' codes in the current language (loads the payments group). */
export function usePaymentWords() {
  const { t, i18n } = useTranslation(['payments']);
  return {
    status: (code: string) => t(`payments.status.${oneOf(PAYMENT_STATUSES, code)}`),
    statusTone: (code: string) => PAYMENT_TONE[oneOf(PAYMENT_STATUSES, code)],
    batchStatus: (code: string) => t(`payments.batchStatus.${oneOf(BATCH_STATUSES, code)}`),
    batchTone: (code: string) => BATCH_TONE[oneOf(BATCH_STATUSES, code)],
    rejection: (code: string | null) => t(`payments.rejection.${oneOf(REJECTION_REASONS, code)}`),
    hold: (code: string | null) => t(`payments.hold.${oneOf(HOLD_REASONS, code)}`),
    kind: (code: string) => t(`payments.kind.${oneOf(LINE_KINDS, code)}`),
    // The bank's name where the list knows it (src/shared/banks.ts), else "Bank <code>".
    bank: (code: string) => bankName(code, i18n.language as BankLanguage) ?? t('payments.bank', { code }),
  };
}

/** A reason written to follow a colon ("returned by the bank: the card is closed"), as a cell of its own. */
export function sentenceCase(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}
