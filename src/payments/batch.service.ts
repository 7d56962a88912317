import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Actor } from '../access/actor.ts';
import { can, type Place } from '../access/policies.ts';
import { type EnqueueNotification, enqueueNotifications } from '../notifications/notification.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { writePaymentFile } from './bank-file/payment-file.ts';
import { parseResultFile } from './bank-file/result-file.ts';
import * as repo from './batch.repository.ts';

/**
 * A batch's life: approved by finance officers (two different ones above the four-eyes limit), exported as
 * the bank's file (made once; every download gives the same bytes), answered by the bank's result files
 * (each applied whole or refused whole, and a file seen before applies nothing).
 */

export type BatchStatus = 'awaiting_approval' | 'approved' | 'sent' | 'partly_answered' | 'answered';

export function statusOf(batch: repo.BatchRow): BatchStatus {
  if (!batch.exportedAt) {
    return batch.approvedBy.length >= batch.approvalsRequired ? 'approved' : 'awaiting_approval';
  }
  if (batch.answered === 0) return 'sent';
  return batch.answered < batch.lines ? 'partly_answered' : 'answered';
}

/** Runs `fn` in the caller's transaction, or in one of its own. */
function inTransaction<T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

const placeOf = (batch: repo.BatchRow): Place => ({
  regionCode: batch.regionCode,
  districtCode: batch.districtCode,
  mahallaCode: '',
});

/** The batch, if the actor may do `action` on it; a batch outside the actor's areas is "not found". */
export async function loadBatch(
  db: Kysely<DB>,
  actor: Actor,
  id: number,
  action: 'payments.read' | 'payments.manage',
): Promise<repo.BatchRow> {
  const batch = await repo.findBatch(db, id);
  if (!batch || !can(actor, 'payments.read', { place: placeOf(batch) })) {
    throw new DomainError('PAYMENT_BATCH_NOT_FOUND');
  }
  if (!can(actor, action, { place: placeOf(batch) })) throw new DomainError('FORBIDDEN');
  return batch;
}

export async function approveBatch(db: Kysely<DB>, actor: Actor & { kind: 'staff' }, id: number) {
  return inTransaction(db, async (trx) => {
    // Locked first, then read once: approvals, exports and imports of one batch take turns.
    await repo.lockBatch(trx, id);
    const batch = await loadBatch(trx, actor, id, 'payments.manage');
    if (batch.approvedBy.includes(actor.id)) throw new DomainError('PAYMENT_BATCH_ALREADY_APPROVED');
    // Once enough officers approved, a further approval adds nothing (and is not an error: a double click).
    if (batch.approvedBy.length >= batch.approvalsRequired) return batch;
    await repo.insertApproval(trx, id, actor.id);
    // The batch is locked: the approval just written is the only change since it was read.
    return { ...batch, approvedBy: [...batch.approvedBy, actor.id] };
  });
}

export interface ExportedFile {
  fileName: string;
  text: string;
  sha256: string;
  batch: repo.BatchRow;
}

/** The bank file of an approved batch. The first export moves the money to the bank's transit account. */
export async function exportBatch(
  db: Kysely<DB>,
  actor: Actor & { kind: 'staff' },
  id: number,
  now = new Date(),
): Promise<ExportedFile> {
  return inTransaction(db, async (trx) => {
    await loadBatch(trx, actor, id, 'payments.manage');
    await repo.lockBatch(trx, id);
    const batch = await repo.findBatch(trx, id);
    if (!batch) throw new DomainError('PAYMENT_BATCH_NOT_FOUND');
    if (batch.approvedBy.length < batch.approvalsRequired)
      throw new DomainError('PAYMENT_BATCH_NOT_APPROVED');
    const exportedAt = batch.exportedAt ?? new Date(Math.floor(now.getTime() / 1000) * 1000);
    const lines = await repo.fileLines(trx, id);
    const file = writePaymentFile(
      {
        batchRef: batch.reference,
        bankCode: batch.bankCode,
        month: batch.month,
        createdAt: exportedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      },
      lines.map((l) => ({
        lineRef: l.reference,
        accountNumber: l.accountNumber,
        holderName: l.holderName,
        amount: l.amount,
        programme: l.programme,
        benefitMonth: l.benefitMonth,
      })),
    );
    const fileSha256 = createHash('sha256').update(file.text, 'utf8').digest('hex');
    if (!batch.exportedAt) {
      await repo.insertExport(trx, {
        batchId: id,
        fileSha256,
        linesSha256: file.sha256,
        exportedBy: actor.id,
        exportedAt,
      });
    } else if (batch.fileSha256 !== fileSha256) {
      // The same batch must always give the same bytes: anything else means its rows changed underneath.
      throw new Error(`bank file of batch ${batch.reference} differs from the one exported`);
    }
    // The batch is locked: what the export just wrote is the only change since it was read.
    const after: repo.BatchRow = { ...batch, exportedAt, fileSha256 };
    return { fileName: `${batch.reference}.csv`, text: file.text, sha256: fileSha256, batch: after };
  });
}

export interface ImportResult {
  /** False when this very file had been imported before: nothing was applied again. */
  applied: boolean;
  lines: number;
  paid: number;
  rejected: number;
  holdsOpened: number;
  batch: repo.BatchRow;
}

/** Applies the bank's result file for a sent batch, whole, or refuses it whole with the first problem. */
export async function importResults(
  db: Kysely<DB>,
  actor: Actor & { kind: 'staff' },
  id: number,
  bytes: Uint8Array,
): Promise<ImportResult> {
  return inTransaction(db, async (trx) => {
    await repo.lockBatch(trx, id);
    const batch = await loadBatch(trx, actor, id, 'payments.manage');
    if (!batch.exportedAt) throw new DomainError('PAYMENT_BATCH_NOT_SENT');
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const seen = await repo.findResultFile(trx, sha256);
    if (seen) {
      if (seen.batch_id !== id) throw new DomainError('BANK_FILE_WRONG_BATCH');
      return {
        applied: false,
        lines: seen.lines,
        paid: seen.paid,
        rejected: seen.rejected,
        holdsOpened: 0,
        batch,
      };
    }
    const attempts = await repo.attemptsOf(trx, id);
    const parsed = parseResultFile(bytes, {
      batchRef: batch.reference,
      bankCode: batch.bankCode,
      lines: new Map(attempts.map((a) => [a.reference, a.amount])),
    });
    if (!parsed.ok) {
      const { code, ...details } = parsed.problem;
      throw new DomainError(code, details);
    }
    const answered = new Set(attempts.filter((a) => a.answered).map((a) => a.reference));
    const again = parsed.file.lines.find((l) => answered.has(l.lineRef));
    if (again) throw new DomainError('BANK_FILE_LINE_ALREADY_ANSWERED', { lineRef: again.lineRef });
    const { notices, ...applied } = await repo.applyResults(trx, {
      batchId: id,
      bankCode: batch.bankCode,
      sha256,
      importedBy: actor.id,
      outcomes: parsed.file.lines.map((l) => ({
        reference: l.lineRef,
        outcome: l.outcome,
        reason: l.reason,
      })),
    });
    // Each family hears of its payment: made, or returned with the reason (SMS and the portal's messages).
    await enqueueNotifications(
      trx,
      notices.map(
        (n): EnqueueNotification => ({
          personId: n.personId,
          template: n.outcome === 'paid' ? ('payment.paid' as const) : ('payment.rejected' as const),
          params: {
            programme: n.programme,
            amount: n.amount,
            month: n.month,
            ...(n.outcome === 'paid' ? { account: n.accountEnd } : { reason: n.reason ?? 'technical' }),
          },
          // A payment made is an SMS only: the portal shows it in the family's payments every month already;
          // a returned one also waits in the portal's messages, since the family has something to do.
          channels: n.outcome === 'paid' ? ['sms'] : ['sms', 'portal'],
          dedupeKey: `payment:${n.reference}`,
        }),
      ),
    );
    // The batch as it now stands, from what was just applied (no second read of its answers).
    const sum = (outcome: 'paid' | 'rejected') =>
      parsed.file.lines.filter((l) => l.outcome === outcome).reduce((total, l) => total + l.amount, 0);
    const after: repo.BatchRow = {
      ...batch,
      answered: batch.answered + parsed.file.lines.length,
      paid: batch.paid + sum('paid'),
      rejected: batch.rejected + sum('rejected'),
    };
    return { applied: true, lines: parsed.file.lines.length, ...applied, batch: after };
  });
}
