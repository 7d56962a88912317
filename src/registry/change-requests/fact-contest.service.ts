import type { Kysely } from 'kysely';
import { findDecisionHousehold } from '../../decisions/decision-records.service.ts';
import { attachToChangeRequest } from '../../documents/documents.service.ts';
import type { DB } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import {
  agencyOfSource,
  DEFAULT_AGENCY,
  type FactAgency,
  isReportFact,
  REPORT_FACTS,
  type ReportFact,
  STATE_AGENCIES,
} from '../../shared/report-facts.ts';
import { payloadHash } from './change-request.hash.ts';
import * as repository from './change-request.repository.ts';
import type { ChangeRequestView } from './change-request.schemas.ts';
import { sourcesOfFact } from './fact-contest.repository.ts';
import { ContestFact, type ContestFactInput } from './fact-contest.schemas.ts';

/**
 * A citizen contests a fact shown to them: a change request of type `contest_fact` that names the fact,
 * the member it is about, the value as shown, the citizen's comment, supporting documents and the agency
 * the fact comes from. It lands in the worklist of the household's district like every change request.
 * Accepting it never edits the agency's fact: it is sent to that agency for verification ('verifying');
 * a fact the registry's own people hold (a social worker, the mahalla) is 'accepted', and the officer
 * corrects it through the ordinary change requests.
 */

const today = () => new Date().toISOString().slice(0, 10);

export interface SubmittedContest {
  request: ChangeRequestView;
  created: boolean;
}

/**
 * Stores the contest (pending), idempotent by its client-made id: the same id and content again is the
 * stored request; the same id with other content 409 without telling anything of the stored one. The
 * caller has authorised the household named in the input; the same content means the same household.
 */
export async function submitFactContest(
  db: Kysely<DB>,
  input: ContestFactInput,
  actor: string,
): Promise<SubmittedContest> {
  const parsed = ContestFact.safeParse(input);
  if (!parsed.success) {
    throw new DomainError('VALIDATION_FAILED', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const { id, ...fields } = parsed.data;
  const fact = fields.fact;
  if (!isReportFact(fact)) throw new DomainError('FACT_UNKNOWN', { fact, allowed: [...REPORT_FACTS] });
  const hash = payloadHash('contest_fact', fields);

  return db.transaction().execute(async (trx) => {
    await repository.lockChangeRequestId(trx, id);
    const stored = await repository.findChangeRequest(trx, id);
    if (stored) {
      if (stored.payloadHash !== hash) throw new DomainError('CHANGE_REQUEST_CONFLICT', { id });
      return { request: stored.view, created: false };
    }
    const [household] = await repository.lockHouseholds(trx, [fields.householdId]);
    if (!household) throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId: fields.householdId });
    if (household.dissolvedOn !== null && household.dissolvedOn <= today()) {
      throw new DomainError('HOUSEHOLD_DISSOLVED', { householdId: fields.householdId });
    }
    const members = (await repository.membersOn(trx, fields.householdId, today())).map((m) => m.personId);
    if (fields.personId && !members.includes(fields.personId)) {
      throw new DomainError('PERSON_NOT_MEMBER', { personId: fields.personId });
    }
    if (fields.decisionId !== undefined) {
      // Another family's decision is as unknown as a missing one.
      const owner = await findDecisionHousehold(trx, fields.decisionId);
      if (owner !== fields.householdId) {
        throw new DomainError('DECISION_NOT_FOUND', { decisionId: fields.decisionId });
      }
    }
    const sources = await sourcesOfFact(
      trx,
      fields.householdId,
      fact,
      fields.personId ? [fields.personId] : members,
      today(),
    );
    const inserted = await repository.insertChangeRequest(trx, {
      id,
      type: 'contest_fact',
      householdId: fields.householdId,
      personId: fields.personId ?? null,
      payload: fields,
      payloadHash: hash,
      effectiveDate: today(),
      status: 'pending',
      submittedBy: actor,
      source: actor.startsWith('citizen:') ? 'citizen' : 'social_worker',
      decidedBy: null,
      result: null,
      contest: {
        fact,
        sourceAgency: agencyOf(fact, sources),
        comment: fields.comment,
        decisionId: fields.decisionId ?? null,
      },
    });
    if (!inserted) throw new Error(`change request ${id} appeared despite the id lock`);
    await attachToChangeRequest(trx, fields.documentIds, fields.householdId, id);
    return { request: inserted, created: true };
  });
}

/**
 * The agency a contest goes to: the one agency the fact's rows come from; among several (a wage from the
 * tax committee and a pension from the pension fund), the fact's owner when it is one of them; with no
 * row (a missing fact is contested too), the fact's owner.
 */
export function agencyOf(fact: ReportFact, sources: readonly string[]): FactAgency {
  const agencies = [...new Set(sources.map(agencyOfSource).filter((a): a is FactAgency => a !== undefined))];
  if (agencies.length === 1 && agencies[0]) return agencies[0];
  return DEFAULT_AGENCY[fact];
}

/** What accepting a contest records: sent to the owning agency, or accepted for the registry to fix. */
export function acceptedStatus(view: ChangeRequestView): 'verifying' | 'accepted' {
  const agency = view.contest?.sourceAgency;
  return agency && STATE_AGENCIES.has(agency) ? 'verifying' : 'accepted';
}
