import { z } from 'zod';
import * as identity from '../identity/admin.service.ts';
import { PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import * as accounts from './accounts.service.ts';
import { adminCallerOf } from './admin-caller.ts';
import { AccountResult, AccountView, CreateAccount, SetGrants, Text } from './administration.schemas.ts';

const TAGS = ['administration'];
const access = { access: { action: 'accounts.manage' as const } };
const IdParams = z.object({ id: z.uuid() });

const AccountFilter = PageQuery.extend({
  q: Text(100).optional().describe('Part of the username or the display name'),
  disabled: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

/** Staff accounts, for regional administrators (`accounts.manage`), within the areas of their grants. */
export const accountRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;
  const caller = (request: Parameters<typeof adminCallerOf>[0]) => adminCallerOf(request, 'accounts.manage');

  app.get(
    '/api/admin/accounts',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary:
          'Staff accounts whose every grant lies within your areas (never a password hash or TOTP secret)',
        querystring: AccountFilter,
        response: { 200: pageOf(AccountView) },
      },
    },
    async (request) => {
      const { page, pageSize, q, disabled } = request.query;
      const result = await accounts.listAccounts(db, caller(request), { q, disabled }, { page, pageSize });
      return { ...result, page, pageSize };
    },
  );

  app.get(
    '/api/admin/accounts/:id',
    {
      config: access,
      schema: { tags: TAGS, summary: 'A staff account', params: IdParams, response: { 200: AccountView } },
    },
    async (request) => accounts.getAccount(db, caller(request), request.params.id),
  );

  app.post(
    '/api/admin/accounts',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: 'Create a staff account with an initial password and its grants',
        description:
          'Areas are checked against the territory and must lie within your own. Grants that give a ' +
          'registry-wide reach (ADR 004) are not given yet: the account starts with the others and ' +
          '`pendingRequest` waits for a second administrator (a `reason` is then required). A retry with the ' +
          'same id and content is answered 200 with the same account; other content under that id is 409.',
        body: CreateAccount,
        response: { 200: AccountResult, 201: AccountResult },
      },
    },
    async (request, reply) => {
      const who = caller(request);
      // argon2 before the transaction: hashing takes tens of milliseconds.
      const passwordHash = await identity.hashNewPassword(request.body.password);
      const { created, ...result } = await db
        .transaction()
        .execute((trx) => accounts.createAccount(trx, who, request.body, passwordHash));
      return reply.status(created ? 201 : 200).send(result);
    },
  );

  app.put(
    '/api/admin/accounts/:id/grants',
    {
      config: access,
      schema: {
        tags: TAGS,
        summary: "Replace an account's grants (registry-wide ones wait for a second administrator)",
        params: IdParams,
        body: SetGrants,
        response: { 200: AccountResult },
      },
    },
    async (request) => {
      const who = caller(request);
      return db.transaction().execute((trx) => accounts.setGrants(trx, who, request.params.id, request.body));
    },
  );

  const action = (path: string, summary: string, run: typeof accounts.disableAccount) =>
    app.post(
      `/api/admin/accounts/:id/${path}`,
      {
        config: access,
        schema: { tags: TAGS, summary, params: IdParams, response: { 200: AccountView } },
      },
      async (request) => {
        const who = caller(request);
        return db.transaction().execute((trx) => run(trx, who, request.params.id));
      },
    );
  action('disable', 'Disable an account: its live sessions end at once', accounts.disableAccount);
  action('enable', 'Enable a disabled account', accounts.enableAccount);
  action(
    'reset-totp',
    'Forget the second factor (a lost phone): the person enrols again; live sessions end',
    accounts.resetTotp,
  );
  action('unlock', 'Lift a lockout after failed sign-ins', accounts.unlockAccount);
};
