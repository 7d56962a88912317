import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import {
  actorIn,
  authorizeHousehold,
  authorizeMahalla,
  authorizePersonJoining,
  scopeFor,
} from '../../access/access.plugin.ts';
import { findGoverningHouseholdOfPerson } from '../../access/access.service.ts';
import { type Action, mayEver } from '../../access/policies.ts';
import { auditFromRequest, uniqueHouseholds } from '../../audit/audit.service.ts';
import type { DB } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { CountAnswer, PageQuery, pageOf } from '../../platform/http/pagination.ts';
import type { HttpPlugin } from '../../platform/http/server.ts';
import { withHouseholdReferences } from '../households/household.service.ts';
import {
  ChangeRequestFilter,
  ChangeRequestView,
  RejectChangeRequest,
  SubmitChangeRequest,
} from './change-request.schemas.ts';
import * as changeRequests from './change-request.service.ts';
import { ContestFact } from './fact-contest.schemas.ts';
import { submitFactContest } from './fact-contest.service.ts';

const TAGS = ['change-requests'];

/**
 * A contested disability is health data: its comment and the value shown stay with those who may read
 * health data (the family itself, the medical commission's roles); the officer forwarding it sees the rest.
 */
function present(request: FastifyRequest, view: ChangeRequestView): ChangeRequestView {
  if (view.contest?.fact !== 'disability' || mayEver(actorIn(request), 'health.read')) return view;
  return { ...view, payload: {}, contest: { ...view.contest, comment: null, shownValue: null } };
}
const IdParams = z.object({ id: z.uuid() });

/**
 * What a change touches: every household it names, the mahalla of a new one, the person corrected, and an
 * existing person it brings into a household (`add_member` with `person.personId`).
 */
function touched(payload: Record<string, unknown>) {
  const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : undefined);
  const person = payload.person;
  const joining =
    text('type') === 'add_member' && typeof person === 'object' && person !== null && 'personId' in person
      ? String(person.personId)
      : undefined;
  return {
    householdIds: [text('householdId'), text('sourceHouseholdId')].filter((id): id is string => !!id),
    newMahallaCode: text('type') === 'split_household' ? text('mahallaCode') : undefined,
    personId: text('type') === 'correct_personal_data' ? text('personId') : undefined,
    joiningPersonId: joining,
  };
}

/**
 * Checks the actor may do `action` on everything the change touches. A correction of a person's data is
 * judged by the household the person belongs to; one who belongs to none, by region-wide roles only.
 */
async function authorizeChange(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  payload: Record<string, unknown>,
): Promise<string[]> {
  const { householdIds, newMahallaCode, personId, joiningPersonId } = touched(payload);
  const subjects = [...householdIds];
  if (personId) {
    const householdId = await findGoverningHouseholdOfPerson(db, personId);
    if (householdId) subjects.push(householdId);
    else if ((await scopeFor(request, db, action)).kind !== 'all') throw new DomainError('FORBIDDEN');
  }
  for (const householdId of subjects) {
    await authorizeHousehold(request, db, action, householdId, personId ?? null);
  }
  if (newMahallaCode) await authorizeMahalla(request, db, action, newMahallaCode);
  // A person taken from another household: that household must be the actor's to change too.
  if (joiningPersonId) await authorizePersonJoining(request, db, action, joiningPersonId);
  return subjects;
}

async function authorizeStored(request: FastifyRequest, db: Kysely<DB>, action: Action, id: string) {
  const stored = await changeRequests.getChangeRequest(db, id);
  const subjects = await authorizeChange(request, db, action, { type: stored.type, ...stored.payload });
  return { stored, subjects };
}

export const changeRequestRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.post(
    '/api/change-requests',
    {
      config: { access: { action: 'change_requests.submit' } },
      schema: {
        tags: TAGS,
        summary: 'Submit a change to a household or person',
        description:
          'Validated against the registry as it is now; an invalid request is not stored (4xx with a stable ' +
          'error code). Stored as pending (201), or with `apply: true` applied at once in one transaction and ' +
          'stored as applied (201). A retry with the same id and payload returns the stored request (200) ' +
          'as it is, without a second effect (a retry does not apply a pending request: use /apply); the ' +
          'same id with another payload is 409 CHANGE_REQUEST_CONFLICT.',
        body: SubmitChangeRequest,
        response: { 200: ChangeRequestView, 201: ChangeRequestView },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const subjects = await authorizeChange(request, db, 'change_requests.submit', body);
      // Applying at once is a decision: it needs the right to decide, on the same households.
      if (body.apply) await authorizeChange(request, db, 'change_requests.decide', body);
      const { request: stored, created } = await changeRequests.submitChangeRequest(
        db,
        body,
        actorOf(request),
      );
      if (created) {
        await auditFromRequest(db, request, {
          action: 'create',
          resourceType: 'change_request',
          resourceId: stored.id,
          subjectHouseholdIds: subjects,
          subjectPersonIds: stored.personId ? [stored.personId] : [],
          fields: [stored.type],
        });
      }
      return reply.status(created ? 201 : 200).send(stored);
    },
  );

  app.post(
    '/api/change-requests/fact-contests',
    {
      config: { access: { action: 'change_requests.submit' } },
      schema: {
        tags: TAGS,
        summary: 'Report a mistake in a fact shown (income, vehicle, dwelling, employment, ...)',
        description:
          "Stored as a pending change request of type contest_fact in the worklist of the household's " +
          'district, with the agency the fact comes from. A citizen contests facts of their own household ' +
          'only (403 otherwise). An unknown fact is 422 FACT_UNKNOWN; a member not in the household 422 ' +
          'PERSON_NOT_MEMBER; a decision or document not of the household 404. A retry with the same id ' +
          'and content returns the stored request (200); the same id with other content is 409.',
        body: ContestFact,
        response: { 200: ChangeRequestView, 201: ChangeRequestView },
      },
    },
    async (request, reply) => {
      const body = request.body;
      // The household named in the body is authorised before anything is read or written for it; by the
      // household alone (a citizen's own person id must not open another family's household), the member
      // is then checked to belong to it by the service.
      await authorizeHousehold(request, db, 'change_requests.submit', body.householdId);
      const { request: stored, created } = await submitFactContest(db, body, actorOf(request));
      if (created) {
        await auditFromRequest(db, request, {
          action: 'create',
          resourceType: 'change_request',
          resourceId: stored.id,
          subjectHouseholdIds: [body.householdId],
          subjectPersonIds: stored.personId ? [stored.personId] : [],
          fields: [stored.type, stored.contest?.fact ?? ''],
        });
      }
      return reply.status(created ? 201 : 200).send(stored);
    },
  );

  app.post(
    '/api/change-requests/:id/apply',
    {
      config: { access: { action: 'change_requests.decide' } },
      schema: {
        tags: TAGS,
        summary: 'Apply a pending change request',
        description: 'Re-validated against the registry as it is at this moment; 409 if already decided.',
        params: IdParams,
        response: { 200: ChangeRequestView },
      },
    },
    async (request) => {
      const { subjects } = await authorizeStored(request, db, 'change_requests.decide', request.params.id);
      const applied = await changeRequests.applyChangeRequest(db, request.params.id, actorOf(request));
      await auditFromRequest(db, request, {
        action: 'update',
        resourceType: 'change_request',
        resourceId: applied.id,
        subjectHouseholdIds: subjects,
        fields: ['applied', applied.type],
      });
      return present(request, applied);
    },
  );

  app.post(
    '/api/change-requests/:id/reject',
    {
      config: { access: { action: 'change_requests.decide' } },
      schema: {
        tags: TAGS,
        summary: 'Reject a pending change request',
        params: IdParams,
        body: RejectChangeRequest,
        response: { 200: ChangeRequestView },
      },
    },
    async (request) => {
      const { subjects } = await authorizeStored(request, db, 'change_requests.decide', request.params.id);
      const rejected = await changeRequests.rejectChangeRequest(
        db,
        request.params.id,
        request.body.reason,
        actorOf(request),
      );
      await auditFromRequest(db, request, {
        action: 'update',
        resourceType: 'change_request',
        resourceId: rejected.id,
        subjectHouseholdIds: subjects,
        fields: ['rejected'],
      });
      return present(request, rejected);
    },
  );

  app.get(
    '/api/change-requests/count',
    {
      config: { access: { action: 'change_requests.submit' } },
      schema: {
        tags: TAGS,
        summary: 'How many change requests the list would show (same filters, same areas)',
        querystring: ChangeRequestFilter,
        response: { 200: CountAnswer },
      },
    },
    async (request) => {
      const scope = await scopeFor(request, db, 'change_requests.submit');
      return { total: await changeRequests.countChangeRequests(db, request.query, scope) };
    },
  );

  app.get(
    '/api/change-requests/:id',
    {
      config: { access: { action: 'change_requests.submit' } },
      schema: {
        tags: TAGS,
        summary: 'A change request, its decision and what applying it did',
        params: IdParams,
        response: { 200: ChangeRequestView },
      },
    },
    async (request) => {
      const { stored, subjects } = await authorizeStored(
        request,
        db,
        'change_requests.submit',
        request.params.id,
      );
      await auditFromRequest(db, request, {
        action: 'read',
        resourceType: 'change_request',
        resourceId: stored.id,
        subjectHouseholdIds: subjects,
        subjectPersonIds: stored.personId ? [stored.personId] : [],
        fields: [stored.type],
      });
      return present(request, stored);
    },
  );

  app.get(
    '/api/change-requests',
    {
      config: { access: { action: 'change_requests.submit' } },
      schema: {
        tags: TAGS,
        summary: 'Change requests within your areas, newest first',
        querystring: ChangeRequestFilter.extend(PageQuery.shape),
        response: { 200: pageOf(ChangeRequestView) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const scope = await scopeFor(request, db, 'change_requests.submit');
      const result = await changeRequests.listChangeRequests(db, filter, { page, pageSize }, scope);
      await auditFromRequest(db, request, {
        action: 'search',
        resourceType: 'change_request',
        subjectHouseholdIds: uniqueHouseholds(result.items),
        fields: ['list'],
      });
      const items = await withHouseholdReferences(db, result.items);
      return { ...result, items: items.map((item) => present(request, item)) };
    },
  );
};
