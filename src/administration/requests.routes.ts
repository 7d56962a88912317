import { z } from 'zod';
import { PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { reviewerCallersOf } from './admin-caller.ts';
import { RequestView, Review } from './administration.schemas.ts';
import * as requests from './requests.service.ts';

const TAGS = ['administration'];
/** Either administration action: the handler checks the one the request's kind needs. */
const access = { access: { anyOf: ['accounts.manage', 'clients.manage'] as const } };
const IdParams = z.object({ id: z.uuid() });

const RequestFilter = PageQuery.extend({ status: z.enum(['pending', 'approved', 'rejected']).optional() });

/** Four eyes over registry-wide reach: the second administrator's worklist, approve and reject. */
export const requestRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.get(
    '/api/admin/requests',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Changes waiting for (or decided by) a second administrator, oldest first',
        description:
          '`status=pending` is the worklist. Only requests whose areas lie within yours are listed.',
        querystring: RequestFilter,
        response: { 200: pageOf(RequestView) },
      },
    },
    async (request) => {
      const { page, pageSize, status } = request.query;
      const result = await requests.listRequests(
        db,
        reviewerCallersOf(request),
        { status },
        { page, pageSize },
      );
      return { ...result, page, pageSize };
    },
  );

  app.get(
    '/api/admin/requests/:id',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'A request for approval',
        params: IdParams,
        response: { 200: RequestView },
      },
    },
    async (request) => requests.getRequest(db, reviewerCallersOf(request), request.params.id),
  );

  app.post(
    '/api/admin/requests/:id/approve',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Approve a pending change and apply it (never by its proposer nor the account it is about)',
        description:
          '403 ADMIN_SAME_APPROVER for the proposer, 403 ADMIN_OWN_ACCOUNT for the account concerned, 409 ' +
          'ADMIN_REQUEST_STALE when the account or client changed since the proposal, 409 ' +
          'ADMIN_REQUEST_NOT_PENDING when already decided.',
        params: IdParams,
        body: Review.nullish(),
        response: { 200: RequestView },
      },
    },
    async (request) => {
      const callers = reviewerCallersOf(request);
      const note = request.body?.note ?? null;
      return db
        .transaction()
        .execute((trx) => requests.approveRequest(trx, callers, request.params.id, note));
    },
  );

  app.post(
    '/api/admin/requests/:id/reject',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Reject (or, by its proposer, withdraw) a pending change; nothing is applied',
        params: IdParams,
        body: Review.nullish(),
        response: { 200: RequestView },
      },
    },
    async (request) => {
      const callers = reviewerCallersOf(request);
      const note = request.body?.note ?? null;
      return db.transaction().execute((trx) => requests.rejectRequest(trx, callers, request.params.id, note));
    },
  );
};
