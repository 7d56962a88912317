import { type Language, type MessageKey, translate } from '../i18n/index.ts';

/**
 * The one error catalogue. Services throw `DomainError` with a catalogue code; only the HTTP layer
 * maps them to a status. The messages, in every language the portal speaks (so a citizen never sees an
 * English stack trace), live in src/i18n/errors/<language>.json under the same code.
 */
export { LANGUAGES, type Language } from '../i18n/index.ts';

interface CatalogueEntry {
  status: number;
}

export const ERROR_CATALOGUE = {
  VALIDATION_FAILED: { status: 400 },
  PINFL_INVALID: { status: 400 },
  PINFL_MISMATCH: { status: 422 },
  PINFL_TAKEN: { status: 409 },
  NOT_FOUND: { status: 404 },
  PERSON_NOT_FOUND: { status: 404 },
  HOUSEHOLD_NOT_FOUND: { status: 404 },
  MAHALLA_UNKNOWN: { status: 422 },
  TERRITORY_NOT_FOUND: { status: 404 },
  PERSON_IN_OTHER_HOUSEHOLD: { status: 409 },
  PERSON_NOT_MEMBER: { status: 422 },
  HEAD_REMOVAL_REQUIRES_NEW_HEAD: { status: 422 },
  HEAD_ALREADY_SET: { status: 409 },
  HOUSEHOLD_DISSOLVED: { status: 409 },
  EFFECTIVE_DATE_BEFORE_HISTORY: { status: 422 },
  PERSON_DECEASED: { status: 422 },
  CHANGE_REQUEST_CONFLICT: { status: 409 },
  CHANGE_REQUEST_NOT_PENDING: { status: 409 },
  CHANGE_REQUEST_NOT_FOUND: { status: 404 },
  DUPLICATE_CANDIDATE_NOT_FOUND: { status: 404 },
  DUPLICATE_ALREADY_REVIEWED: { status: 409 },
  JOB_UNKNOWN: { status: 404 },
  DOCUMENT_TOO_LARGE: { status: 413 },
  DOCUMENT_TYPE_NOT_ALLOWED: { status: 400 },
  DOCUMENT_NOT_FOUND: { status: 404 },
  DOCUMENT_ID_REUSED: { status: 409 },
  FACT_UNKNOWN: { status: 422 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  RATE_LIMITED: { status: 429 },
  CONFLICT: { status: 409 },
  INTERNAL: { status: 500 },
  PERSON_ALREADY_MEMBER: { status: 409 },
  HOUSEHOLD_HEAD_REQUIRED: { status: 422 },
  MEMBERSHIP_PERIOD_EMPTY: { status: 422 },
  HOUSEHOLD_ID_TAKEN: { status: 409 },
  PERSON_ID_TAKEN: { status: 409 },
  PERSON_MERGED: { status: 409 },
  MONTH_INVALID: { status: 400 },
  EVALUATION_NOT_FOUND: { status: 404 },
  DECISION_NOT_FOUND: { status: 404 },
  SIMULATION_PARAMETER_UNKNOWN: { status: 422 },
  SIMULATION_CHANGE_INVALID: { status: 422 },
  OVERRIDE_NOT_FOUND: { status: 404 },
  OVERRIDE_SAME_APPROVER: { status: 403 },
  OVERRIDE_NOT_PENDING: { status: 409 },
  OVERRIDE_ID_REUSED: { status: 409 },
  OVERRIDE_NO_CHANGE: { status: 409 },
  OVERRIDE_MONTH_SUPERSEDED: { status: 409 },
  OVERRIDE_ACTOR_REQUIRED: { status: 403 },
  APPEAL_NOT_FOUND: { status: 404 },
  APPEAL_TRANSITION_INVALID: { status: 409 },
  APPEAL_ID_REUSED: { status: 409 },
  APPLICATION_NOT_FOUND: { status: 404 },
  APPLICATION_STEP_INVALID: { status: 409 },
  APPLICATION_ID_REUSED: { status: 409 },
  // Audit trail and consent (src/audit, src/consent).
  FORBIDDEN: { status: 403 },
  PURPOSE_REQUIRED: { status: 403 },
  ACCESS_COMPLAINT_ID_REUSED: { status: 409 },
  AUDIT_ENTRY_NOT_FOUND: { status: 404 },
  AUDIT_ENTRY_NOT_SEALED: { status: 409 },
  // Identity (src/identity): sign-in, sessions, second factor, citizen sign-in via OneID.
  UNAUTHENTICATED: { status: 401 },
  ACTOR_KIND_NOT_ALLOWED: { status: 403 },
  LOGIN_FAILED: { status: 401 },
  LOGIN_LOCKED: { status: 429 },
  TOTP_REQUIRED: { status: 401 },
  TOTP_INVALID: { status: 401 },
  TOTP_ALREADY_ENABLED: { status: 409 },
  TOTP_NOT_ENROLLED: { status: 409 },
  CSRF_INVALID: { status: 403 },
  CITIZEN_NOT_REGISTERED: { status: 403 },
  OIDC_LOGIN_FAILED: { status: 400 },
  OIDC_NOT_CONFIGURED: { status: 503 },
  // Inter-agency data exchange (src/integration).
  AGENCY_UNKNOWN: { status: 404 },
  INTEGRATION_PULL_NOT_CONFIGURED: { status: 409 },
  // Notifications and the my.gov.uz intake.
  NOTIFICATION_NOT_FOUND: { status: 404 },
  INTAKE_PINFL_UNKNOWN: { status: 422 },
  INTAKE_NO_HOUSEHOLD: { status: 422 },
  CONSENT_REQUIRED: { status: 422 },
  // Administration of staff accounts and machine clients (src/administration).
  ADMIN_ACCOUNT_NOT_FOUND: { status: 404 },
  ADMIN_CLIENT_NOT_FOUND: { status: 404 },
  ADMIN_REQUEST_NOT_FOUND: { status: 404 },
  ADMIN_ID_REUSED: { status: 409 },
  USERNAME_TAKEN: { status: 409 },
  CLIENT_ID_TAKEN: { status: 409 },
  AREA_UNKNOWN: { status: 422 },
  SCOPE_UNKNOWN: { status: 422 },
  CALLBACK_URI_INVALID: { status: 422 },
  DEFAULT_CALLBACK_NOT_REGISTERED: { status: 422 },
  SIGNING_KEY_PRIVATE: { status: 422 },
  SIGNING_KEY_INVALID: { status: 422 },
  ADMIN_OWN_ACCOUNT: { status: 403 },
  ADMIN_SAME_APPROVER: { status: 403 },
  ADMIN_REQUEST_NOT_PENDING: { status: 409 },
  ADMIN_REQUEST_PENDING: { status: 409 },
  ADMIN_REQUEST_STALE: { status: 409 },
  ADMIN_REASON_REQUIRED: { status: 422 },
  // Hardening of issue 10: login CSRF (src/identity), upload quota (src/documents).
  CROSS_SITE_REQUEST: { status: 403 },
  DOCUMENT_QUOTA_EXCEEDED: { status: 409 },
  // --- Hostile input (issue 10): values a schema accepts but the rules cannot answer for ---
  RULES_NOT_IN_FORCE: { status: 422 },
  // Payments (src/payments): payrolls, batches, bank files.
  PAYROLL_PROGRAMME_NOT_PAID: { status: 422 },
  PAYMENT_BATCH_NOT_FOUND: { status: 404 },
  PAYMENT_BATCH_NOT_APPROVED: { status: 409 },
  PAYMENT_BATCH_ALREADY_APPROVED: { status: 409 },
  PAYMENT_BATCH_NOT_SENT: { status: 409 },
  BANK_FILE_MALFORMED: { status: 422 },
  BANK_FILE_CHECKSUM_MISMATCH: { status: 422 },
  BANK_FILE_TOTALS_MISMATCH: { status: 422 },
  BANK_FILE_DUPLICATE_LINE: { status: 422 },
  BANK_FILE_UNKNOWN_LINE: { status: 422 },
  BANK_FILE_AMOUNT_MISMATCH: { status: 422 },
  BANK_FILE_WRONG_BATCH: { status: 422 },
  BANK_FILE_LINE_ALREADY_ANSWERED: { status: 409 },
  PAYMENT_HOLD_NOT_FOUND: { status: 404 },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Every code has a message and every message a code: a difference fails `tsc` here. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const CODES_MATCH_MESSAGES: Same<ErrorCode, MessageKey<'errors'>> = true;

export class DomainError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly details?: Record<string, unknown>,
  ) {
    super(translate('errors', code, 'en'));
    this.name = 'DomainError';
    this.status = ERROR_CATALOGUE[code].status;
  }
}

export function messageFor(code: ErrorCode, language: Language): string {
  return translate('errors', code, language);
}

/** Picks the best language from an Accept-Language header; Uzbek Latin is the portal's default. */
export function languageFromHeader(header: string | undefined): Language {
  if (!header) return 'uz-Latn';
  const tags = header
    .split(',')
    .map((part) => part.trim().split(';')[0]?.toLowerCase() ?? '')
    .filter(Boolean);
  for (const tag of tags) {
    if (tag === 'uz-cyrl' || tag.startsWith('uz-cyrl')) return 'uz-Cyrl';
    if (tag.startsWith('uz')) return 'uz-Latn';
    if (tag.startsWith('ru')) return 'ru';
    if (tag.startsWith('en')) return 'en';
  }
  return 'uz-Latn';
}
