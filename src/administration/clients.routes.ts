import { z } from 'zod';
import * as identity from '../identity/admin.service.ts';
import { PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { adminCallerOf } from './admin-caller.ts';
import {
  ClientResult,
  ClientView,
  ClientWithSecret,
  CreateClient,
  RotatedSecret,
  Text,
  UpdateClient,
} from './administration.schemas.ts';
import * as clients from './clients.service.ts';

const TAGS = ['administration'];
const access = { access: { action: 'clients.manage' as const } };
const IdParams = z.object({ id: z.string().regex(/^[a-z0-9._-]{3,64}$/) });

const ClientFilter = PageQuery.extend({
  q: Text(100).optional().describe('Part of the client id or the agency'),
  disabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

/** Machine clients, for regional administrators (`clients.manage`), within the areas of their grants. */
export const clientRoutes: HttpPlugin = (app, { database, config }) => {
  const { db } = database;
  const caller = (request: Parameters<typeof adminCallerOf>[0]) => adminCallerOf(request, 'clients.manage');
  const options: clients.ClientOptions = { httpsOnly: config.NODE_ENV === 'production' };

  app.get(
    '/api/admin/clients',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Machine clients whose area lies within your areas (never a secret)',
        querystring: ClientFilter,
        response: { 200: pageOf(ClientView) },
      },
    },
    async (request) => {
      const { page, pageSize, q, disabled } = request.query;
      const result = await clients.listClients(db, caller(request), { q, disabled }, { page, pageSize });
      return { ...result, page, pageSize };
    },
  );

  app.get(
    '/api/admin/clients/:id',
    {
      config: access,
      schema: { tags: TAGS, summary: 'A machine client', params: IdParams, response: { 200: ClientView } },
    },
    async (request) => clients.getClient(db, caller(request), request.params.id),
  );

  app.post(
    '/api/admin/clients',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Register a machine client; its secret is in this answer only',
        description:
          'Scopes must be known, the area within yours, callback URIs https in production (no user info, ' +
          'query or fragment), the default callback under one of them, the signing key a public JWK. Scopes ' +
          'that give a registry-wide reach (ADR 004) wait for a second administrator (`pendingRequest`; a ' +
          '`reason` is then required). A retry with the same id and content is answered 200 without the ' +
          'secret (rotate it if the first answer was lost); other content under that id is 409.',
        body: CreateClient,
        response: { 200: ClientWithSecret, 201: ClientWithSecret },
      },
    },
    async (request, reply) => {
      const who = caller(request);
      const secret = await identity.newClientSecret();
      const { created, ...result } = await db
        .transaction()
        .execute((trx) => clients.createClient(trx, who, request.body, secret, options));
      return reply.status(created ? 201 : 200).send(result);
    },
  );

  app.patch(
    '/api/admin/clients/:id',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Change scopes, area, callback URIs, default callback or signing key',
        description:
          'Fields left out stay as they are. Callbacks and the key change at once; a registry-wide reach ' +
          'waits for a second administrator (`pendingRequest`). Narrowing the scopes revokes live tokens.',
        params: IdParams,
        body: UpdateClient,
        response: { 200: ClientResult },
      },
    },
    async (request) => {
      const who = caller(request);
      return db
        .transaction()
        .execute((trx) => clients.updateClient(trx, who, request.params.id, request.body, options));
    },
  );

  app.post(
    '/api/admin/clients/:id/rotate-secret',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Give the client a new secret (in this answer only); every token of the old one is revoked',
        params: IdParams,
        response: { 200: RotatedSecret },
      },
    },
    async (request) => {
      const who = caller(request);
      const secret = await identity.newClientSecret();
      return db.transaction().execute((trx) => clients.rotateSecret(trx, who, request.params.id, secret));
    },
  );

  for (const [path, summary, run] of [
    ['disable', 'Disable a client: its live tokens are revoked at once', clients.disableClient],
    ['enable', 'Enable a disabled client', clients.enableClient],
  ] as const) {
    app.post(
      `/api/admin/clients/:id/${path}`,
      { config: access, schema: { tags: TAGS, summary, params: IdParams, response: { 200: ClientView } } },
      async (request) => {
        const who = caller(request);
        return db.transaction().execute((trx) => run(trx, who, request.params.id));
      },
    );
  }
};
