import type { Kysely } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import type { DB, DuplicateStatus } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import type { PageQuery } from '../../platform/http/pagination.ts';
import * as repository from './duplicate.repository.ts';

export const DUPLICATE_SCAN_JOB = 'registry.duplicate-scan';

export async function scanDuplicates(db: Kysely<DB>): Promise<{ newCandidates: number }> {
  return { newCandidates: await repository.insertCandidates(db) };
}

/** How many pairs the queue would show (same filters, same scope). */
export function countCandidates(db: Kysely<DB>, filters: repository.CandidateFilters, scope: Scope) {
  return repository.countCandidates(db, filters, scope);
}

export async function listCandidates(
  db: Kysely<DB>,
  filters: { status?: DuplicateStatus | undefined; mahallaCode?: string | undefined },
  page: PageQuery,
  scope: Scope,
) {
  const { rows, total } = await repository.listCandidates(
    db,
    filters,
    page.pageSize,
    (page.page - 1) * page.pageSize,
    scope,
  );
  const side = (prefix: 'a' | 'b', r: (typeof rows)[number]) => ({
    personId: prefix === 'a' ? r.a_id : r.b_id,
    pinfl: prefix === 'a' ? r.a_pinfl : r.b_pinfl,
    lastName: prefix === 'a' ? r.a_last_name : r.b_last_name,
    firstName: prefix === 'a' ? r.a_first_name : r.b_first_name,
    patronymic: prefix === 'a' ? r.a_patronymic : r.b_patronymic,
    birthDate: prefix === 'a' ? r.a_birth_date : r.b_birth_date,
    source: prefix === 'a' ? r.a_source : r.b_source,
  });
  return {
    items: rows.map((r) => ({
      id: r.id,
      reason: r.reason,
      score: r.score,
      status: r.status,
      detectedAt: r.detected_at.toISOString(),
      reviewedBy: r.reviewed_by,
      reviewedAt: r.reviewed_at ? r.reviewed_at.toISOString() : null,
      note: r.note,
      personA: side('a', r),
      personB: side('b', r),
    })),
    page: page.page,
    pageSize: page.pageSize,
    total,
  };
}

/** The two persons of a candidate pair, or 404. */
export async function getCandidatePersons(db: Kysely<DB>, id: number): Promise<[string, string]> {
  const found = await repository.findCandidatePersons(db, id);
  if (!found) throw new DomainError('DUPLICATE_CANDIDATE_NOT_FOUND', { id });
  return [found.person_a, found.person_b];
}

export interface ReviewInput {
  decision: 'duplicate' | 'distinct';
  /** With 'duplicate': the record that stays; default the one with a PINFL, else person A. */
  keepPersonId?: string | undefined;
  note?: string | undefined;
  date: string;
}

/**
 * Records a reviewer's decision. For a duplicate, the other record is marked as merged into the kept
 * one and its current membership is closed, so it no longer counts as a household member; nothing is
 * deleted. A duplicate who heads a household with other members cannot be closed here: the head must
 * be changed first (a change request), or the household would be left without a head.
 */
export async function reviewCandidate(db: Kysely<DB>, id: number, input: ReviewInput, reviewer: string) {
  return db.transaction().execute(async (trx) => {
    const candidate = await repository.findCandidateForUpdate(trx, id);
    if (!candidate) throw new DomainError('DUPLICATE_CANDIDATE_NOT_FOUND', { id });
    if (candidate.status !== 'pending') throw new DomainError('DUPLICATE_ALREADY_REVIEWED', { id });
    let merged: { kept: string; merged: string } | undefined;
    if (input.decision === 'duplicate') {
      const pair = [candidate.person_a, candidate.person_b];
      if (input.keepPersonId && !pair.includes(input.keepPersonId)) {
        throw new DomainError('VALIDATION_FAILED', { field: 'keepPersonId', reason: 'not one of the pair' });
      }
      const people = await trx.selectFrom('person').select(['id', 'pinfl']).where('id', 'in', pair).execute();
      const withPinfl = people.find((p) => p.pinfl !== null)?.id;
      const kept = input.keepPersonId ?? withPinfl ?? candidate.person_a;
      const duplicate = kept === candidate.person_a ? candidate.person_b : candidate.person_a;
      for (const membership of await repository.openMemberships(trx, duplicate)) {
        const others = await repository.countOtherCurrentMembers(trx, membership.household_id, duplicate);
        if (membership.relationship === 'head' && others > 0) {
          throw new DomainError('HEAD_REMOVAL_REQUIRES_NEW_HEAD', {
            householdId: membership.household_id,
            personId: duplicate,
          });
        }
        // A period must last at least a day; one that started today ends tomorrow.
        const end = membership.valid_from >= input.date ? nextDay(membership.valid_from) : input.date;
        await repository.endMembership(trx, membership.id, end);
        if (others === 0) await repository.dissolveHousehold(trx, membership.household_id, end);
      }
      await repository.mergePerson(trx, duplicate, kept, reviewer);
      merged = { kept, merged: duplicate };
    }
    await repository.markReviewed(trx, id, {
      status: input.decision,
      reviewedBy: reviewer,
      note: input.note ?? null,
    });
    return { id, status: input.decision, ...(merged ? { merged } : {}) };
  });
}

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
