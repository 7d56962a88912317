import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';
import type { HttpPlugin } from '../../platform/http/server.ts';
import {
  ChangeRequestFilter,
  ChangeRequestView,
  RejectChangeRequest,
  SubmitChangeRequest,
} from './change-request.schemas.ts';
import * as changeRequests from './change-request.service.ts';

const TAGS = ['change-requests'];
const IdParams = z.object({ id: z.uuid() });

export const changeRequestRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.post(
    '/api/change-requests',
    {
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
      const { request: stored, created } = await changeRequests.submitChangeRequest(
        db,
        request.body,
        actorOf(request),
      );
      return reply.status(created ? 201 : 200).send(stored);
    },
  );

  app.post(
    '/api/change-requests/:id/apply',
    {
      schema: {
        tags: TAGS,
        summary: 'Apply a pending change request',
        description: 'Re-validated against the registry as it is at this moment; 409 if already decided.',
        params: IdParams,
        response: { 200: ChangeRequestView },
      },
    },
    async (request) => changeRequests.applyChangeRequest(db, request.params.id, actorOf(request)),
  );

  app.post(
    '/api/change-requests/:id/reject',
    {
      schema: {
        tags: TAGS,
        summary: 'Reject a pending change request',
        params: IdParams,
        body: RejectChangeRequest,
        response: { 200: ChangeRequestView },
      },
    },
    async (request) =>
      changeRequests.rejectChangeRequest(db, request.params.id, request.body.reason, actorOf(request)),
  );

  app.get(
    '/api/change-requests/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'A change request, its decision and what applying it did',
        params: IdParams,
        response: { 200: ChangeRequestView },
      },
    },
    async (request) => changeRequests.getChangeRequest(db, request.params.id),
  );

  app.get(
    '/api/change-requests',
    {
      schema: {
        tags: TAGS,
        summary: 'Change requests, newest first',
        querystring: ChangeRequestFilter.extend(PageQuery.shape),
        response: { 200: pageOf(ChangeRequestView) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      return changeRequests.listChangeRequests(db, filter, { page, pageSize });
    },
  );
};
