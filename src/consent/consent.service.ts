import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type AuditActor, appendAudit } from '../audit/audit.service.ts';
import type { ConsentChannel, ConsentKind } from '../audit/audit.tables.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import * as repo from './consent.repository.ts';

/**
 * Consent under the Law on Personal Data (ZRU-547): to share a person's data with a counterpart (an agency
 * or programme, '*' for all) and to receive proactive offers. A withdrawal keeps the row with its time, so
 * `hasConsent` can answer for any past instant; every grant and withdrawal is also in the audit log.
 */

export const CONSENT_KINDS = ['data_sharing', 'proactive_offers'] as const satisfies readonly ConsentKind[];
export const CONSENT_CHANNELS = [
  'portal',
  'social_worker',
  'my.gov.uz',
] as const satisfies readonly ConsentChannel[];

export type ConsentView = repo.ConsentRecord & { inForce: boolean };

const view = (c: repo.ConsentRecord): ConsentView => ({ ...c, inForce: c.withdrawnAt === null });

/** 'staff:<account id>', 'citizen:<person id>': who recorded a grant or a withdrawal. */
const recorder = (who: AuditActor) => `${who.actorKind}:${who.actorId ?? '-'}`;

export interface GrantConsent {
  personId: string;
  kind: ConsentKind;
  counterpart: string;
  channel: ConsentChannel;
}

/**
 * Records a consent; a consent already in force for the same person, kind and counterpart is returned as it
 * is (`created: false`), so a repeated or retried grant changes nothing and writes no audit entry.
 */
export async function grantConsent(
  trx: Kysely<DB>,
  input: GrantConsent,
  who: AuditActor,
): Promise<{ consent: ConsentView; created: boolean }> {
  const existing = await repo.findInForce(trx, input.personId, input.kind, input.counterpart);
  if (existing) return { consent: view(existing), created: false };
  const id = randomUUID();
  const created = await repo.insertConsent(trx, { id, ...input, recordedBy: recorder(who) });
  const consent = created
    ? await repo.findConsent(trx, id)
    : // A concurrent grant won the unique index: theirs is the consent in force.
      await repo.findInForce(trx, input.personId, input.kind, input.counterpart);
  if (!consent) throw new DomainError('CONFLICT', { reason: 'consent changed concurrently' });
  if (created) await auditConsent(trx, consent, 'grant', who);
  return { consent: view(consent), created };
}

/**
 * Withdraws a person's consent, recording when and by whom; the row stays. Withdrawing a withdrawn consent
 * returns it unchanged. Someone else's consent is 404, as if it did not exist.
 */
export async function withdrawConsent(
  trx: Kysely<DB>,
  id: string,
  personId: string,
  who: AuditActor,
  at: Date = new Date(),
): Promise<ConsentView> {
  const consent = await repo.findConsent(trx, id, { forUpdate: true });
  if (!consent || consent.personId !== personId) throw new DomainError('NOT_FOUND', { id });
  if (consent.withdrawnAt !== null) return view(consent);
  // Never before the grant (the table's check), even with clocks a little apart.
  const withdrawnAt = at < consent.grantedAt ? consent.grantedAt : at;
  await repo.setWithdrawn(trx, id, withdrawnAt, recorder(who));
  const withdrawn = { ...consent, withdrawnAt, withdrawnBy: recorder(who) };
  await auditConsent(trx, withdrawn, 'withdraw', who);
  return view(withdrawn);
}

async function auditConsent(
  trx: Kysely<DB>,
  consent: repo.ConsentRecord,
  action: 'grant' | 'withdraw',
  who: AuditActor,
): Promise<void> {
  await appendAudit(trx, [
    {
      ...who,
      action,
      resourceType: 'consent',
      resourceId: consent.id,
      subjectPersonIds: [consent.personId],
      fields: [`consent.${consent.kind}`],
    },
  ]);
}

/** Whether the person's consent of this kind covered the counterpart at the instant (default now). */
export async function hasConsent(
  db: Kysely<DB>,
  personId: string,
  kind: ConsentKind,
  counterpart: string,
  at: Date = new Date(),
): Promise<boolean> {
  return repo.inForceAt(db, personId, kind, counterpart, at);
}

/** Every consent of the person, in force or withdrawn, newest first. */
export async function listConsents(db: Kysely<DB>, personId: string): Promise<ConsentView[]> {
  return (await repo.listConsents(db, personId)).map(view);
}
