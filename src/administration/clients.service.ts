import type { Kysely } from 'kysely';
import type { Area } from '../access/actor.ts';
import { isMachineScope } from '../access/policies.ts';
import { type AuditRequestInput, appendAudit } from '../audit/audit.service.ts';
import * as identity from '../identity/admin.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import * as repo from './administration.repository.ts';
import type { ClientView, CreateClient, RequestView, UpdateClient } from './administration.schemas.ts';
import { type AdminCaller, allWithin, knownAreas, placesFor, regionsOf, requireWithin } from './areas.ts';
import { CallbackUri, isUnder } from './callback-uri.ts';
import { canonicalReach, digestOf, proposeChange, requireReason, sameJson } from './four-eyes.ts';
import { type ClientReach, clientChangeNeedsApproval, clientReachWithoutApproval } from './reach.ts';
import { checkPublicJwk } from './signing-key.ts';
import { clientViews, requestViews } from './views.ts';

/**
 * Machine clients (agencies' systems): list, read, create, update (scopes, area, callback URIs, default
 * callback, signing key), rotate the secret, disable and enable. A client's secret is made here, answered
 * once and stored only as a hash; rotating it or disabling the client revokes its live tokens. Scopes that
 * give a registry-wide reach wait for a second administrator (reach.ts, ADR 004).
 */

export interface ClientOptions {
  /** Production: callback URIs must be https. */
  httpsOnly: boolean;
}

export interface ClientResult {
  client: ClientView;
  pendingRequest: RequestView | null;
}

async function audit(trx: Kysely<DB>, caller: AdminCaller, what: AuditRequestInput): Promise<void> {
  await appendAudit(trx, [{ ...caller.audit, ...what }]);
}

async function viewOf(db: Kysely<DB>, client: identity.MachineClientAdminRecord): Promise<ClientView> {
  const pending = await repo.pendingRequestIds(db, 'machine_client', [client.id]);
  const [view] = await clientViews(db, [client], pending);
  if (!view) throw new DomainError('ADMIN_CLIENT_NOT_FOUND', { id: client.id });
  return view;
}

async function reload(db: Kysely<DB>, id: string): Promise<ClientView> {
  const client = await identity.findMachineClient(db, id);
  if (!client) throw new DomainError('ADMIN_CLIENT_NOT_FOUND', { id });
  return viewOf(db, client);
}

async function requestView(db: Kysely<DB>, request: repo.AdminRequestRecord | undefined | null) {
  return request ? ((await requestViews(db, [request]))[0] ?? null) : null;
}

function checkScopes(scopes: readonly string[]): string[] {
  const unknown = scopes.filter((s) => !isMachineScope(s));
  if (unknown.length > 0) throw new DomainError('SCOPE_UNKNOWN', { scopes: unknown });
  return [...new Set(scopes)].sort();
}

function checkCallbacks(
  uris: readonly string[],
  defaultUri: string | null,
  options: ClientOptions,
): { callbackUris: string[]; defaultCallbackUri: string | null } {
  const schema = CallbackUri(options);
  const parse = (uri: string, field: string) => {
    const result = schema.safeParse(uri);
    if (!result.success) throw new DomainError('CALLBACK_URI_INVALID', { field });
    return result.data;
  };
  const callbackUris = [...new Set(uris.map((u, i) => parse(u, `callbackUris.${i}`)))];
  const defaultCallbackUri = defaultUri === null ? null : parse(defaultUri, 'defaultCallbackUri');
  if (defaultCallbackUri !== null && !callbackUris.some((u) => isUnder(defaultCallbackUri, u))) {
    throw new DomainError('DEFAULT_CALLBACK_NOT_REGISTERED', { field: 'defaultCallbackUri' });
  }
  return { callbackUris, defaultCallbackUri };
}

async function signingKeyOf(jwk: Record<string, unknown> | null | undefined) {
  return jwk ? (await checkPublicJwk(jwk)).jwk : null;
}

/** The client, if it exists and its area lies within the caller's areas (no area: only for admins of none). */
async function clientInReach(
  db: Kysely<DB>,
  caller: AdminCaller,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<identity.MachineClientAdminRecord> {
  const client = await identity.findMachineClient(db, id, options);
  if (!client) throw new DomainError('ADMIN_CLIENT_NOT_FOUND', { id });
  if (!allWithin(caller.scope, await placesFor(db, [client.area]), [client.area])) {
    throw new DomainError('FORBIDDEN', { reason: 'outside the areas you administer' });
  }
  return client;
}

export async function listClients(
  db: Kysely<DB>,
  caller: AdminCaller,
  filters: { q?: string | undefined; disabled?: boolean | undefined },
  page: PageQuery,
): Promise<{ items: ClientView[]; total: number }> {
  const { items, total } = await identity.listMachineClients(db, filters, page, caller.scope);
  const pending = await repo.pendingRequestIds(
    db,
    'machine_client',
    items.map((c) => c.id),
  );
  await audit(db, caller, { action: 'search', resourceType: 'machine_client', fields: ['clients'] });
  return { items: await clientViews(db, items, pending), total };
}

export async function getClient(db: Kysely<DB>, caller: AdminCaller, id: string): Promise<ClientView> {
  const client = await clientInReach(db, caller, id);
  await audit(db, caller, {
    action: 'read',
    resourceType: 'machine_client',
    resourceId: id,
    fields: ['client'],
  });
  return viewOf(db, client);
}

/**
 * Registers a client with a new secret (`secret`, made by the route before the transaction). Scopes that
 * need a second administrator are not given yet: a pending request holds the whole reach. A retry with the
 * same id and content answers the client without a secret (it is not stored; rotate it if it was lost).
 */
export async function createClient(
  trx: Kysely<DB>,
  caller: AdminCaller,
  input: CreateClient,
  secret: { secret: string; hash: string },
  options: ClientOptions,
): Promise<ClientResult & { secret: string | null; created: boolean }> {
  const reach = canonicalReach({ scopes: checkScopes(input.scopes), area: input.area });
  const places = await knownAreas(trx, [reach.area]);
  requireWithin(caller, places, [reach.area]);
  const endpoints = checkCallbacks(input.callbackUris, input.defaultCallbackUri ?? null, options);
  const signingJwk = await signingKeyOf(input.signingJwk);
  const digest = digestOf({
    agency: input.agency,
    ...reach,
    ...endpoints,
    signingJwk,
    reason: input.reason ?? null,
  });

  const answerRetry = async (creation: repo.CreationRecord) => {
    if (creation.payloadDigest !== digest) throw new DomainError('ADMIN_ID_REUSED', { id: input.id });
    const client = await clientInReach(trx, caller, input.id);
    const request = creation.requestId ? await repo.findRequest(trx, creation.requestId) : null;
    return {
      client: await viewOf(trx, client),
      pendingRequest: await requestView(trx, request),
      secret: null,
      created: false,
    };
  };
  const earlier = await repo.findCreation(trx, 'machine_client', input.id);
  if (earlier) return answerRetry(earlier);

  const needsApproval = clientChangeNeedsApproval(null, reach);
  if (needsApproval) requireReason(input.reason);
  const now = needsApproval ? clientReachWithoutApproval(reach) : reach;
  const inserted = await identity.insertMachineClient(
    trx,
    { id: input.id, agency: input.agency, ...now, ...endpoints, signingJwk },
    secret.hash,
  );
  if (!inserted) {
    const concurrent = await repo.findCreation(trx, 'machine_client', input.id);
    if (concurrent) return answerRetry(concurrent);
    throw new DomainError('CLIENT_ID_TAKEN', { id: input.id });
  }
  await audit(trx, caller, {
    action: 'create',
    resourceType: 'machine_client',
    resourceId: input.id,
    fields: ['agency', 'scopes', 'area', 'callback_uris', 'default_callback_uri', 'signing_jwk', 'secret'],
  });
  const request = needsApproval
    ? await proposeChange(trx, caller, {
        targetKind: 'machine_client',
        targetId: input.id,
        change: reach,
        before: now,
        reachRegions: regionsOf(places, [reach.area]),
        reason: input.reason,
      })
    : null;
  await repo.insertCreation(trx, {
    targetKind: 'machine_client',
    targetId: input.id,
    payloadDigest: digest,
    requestId: request?.id ?? null,
    createdBy: caller.accountId,
  });
  return {
    client: await reload(trx, input.id),
    pendingRequest: await requestView(trx, request),
    secret: secret.secret,
    created: true,
  };
}

/**
 * Gives the client this reach (directly or on approval), audited. Tokens issued before keep the scopes they
 * were issued with, so taking a scope away revokes them.
 */
export async function applyReach(
  trx: Kysely<DB>,
  caller: AdminCaller,
  client: identity.MachineClientAdminRecord,
  reach: ClientReach,
): Promise<void> {
  await identity.setClientReach(trx, client.id, reach);
  const removed = client.scopes.some((s) => !reach.scopes.includes(s));
  if (removed) await identity.revokeClientTokens(trx, client.id);
  await audit(trx, caller, {
    action: 'grant',
    resourceType: 'machine_client',
    resourceId: client.id,
    fields: removed ? ['scopes', 'area', 'tokens'] : ['scopes', 'area'],
  });
}

/**
 * Changes a client. Callbacks and the signing key change at once; a new reach (scopes, area) that is
 * registry-wide becomes a pending request and changes nothing yet, any other is applied at once (not while
 * a request for the client waits).
 */
export async function updateClient(
  trx: Kysely<DB>,
  caller: AdminCaller,
  id: string,
  input: UpdateClient,
  options: ClientOptions,
): Promise<ClientResult> {
  const client = await clientInReach(trx, caller, id, { forUpdate: true });

  const endpointsGiven =
    input.callbackUris !== undefined ||
    input.defaultCallbackUri !== undefined ||
    input.signingJwk !== undefined;
  if (endpointsGiven) {
    const endpoints = checkCallbacks(
      input.callbackUris ?? client.callbackUris,
      input.defaultCallbackUri !== undefined ? input.defaultCallbackUri : client.defaultCallbackUri,
      options,
    );
    const signingJwk =
      input.signingJwk !== undefined ? await signingKeyOf(input.signingJwk) : client.signingJwk;
    const changed = [
      ...(sameJson(endpoints.callbackUris, client.callbackUris) ? [] : ['callback_uris']),
      ...(endpoints.defaultCallbackUri === client.defaultCallbackUri ? [] : ['default_callback_uri']),
      ...(sameJson(signingJwk, client.signingJwk) ? [] : ['signing_jwk']),
    ];
    if (changed.length > 0) {
      await identity.setClientEndpoints(trx, id, { ...endpoints, signingJwk });
      await audit(trx, caller, {
        action: 'update',
        resourceType: 'machine_client',
        resourceId: id,
        fields: changed,
      });
    }
  }

  let request: repo.AdminRequestRecord | null = null;
  if (input.scopes !== undefined || input.area !== undefined) {
    const current = canonicalReach({ scopes: client.scopes, area: client.area });
    const wanted = canonicalReach({
      scopes: checkScopes(input.scopes ?? client.scopes),
      area: input.area !== undefined ? (input.area as Area | null) : client.area,
    });
    const places = await knownAreas(trx, [wanted.area]);
    requireWithin(caller, places, [wanted.area]);
    if (clientChangeNeedsApproval(current, wanted)) {
      const all = [current.area, wanted.area];
      request = await proposeChange(trx, caller, {
        targetKind: 'machine_client',
        targetId: id,
        change: wanted,
        before: current,
        reachRegions: regionsOf(new Map([...(await placesFor(trx, all)), ...places]), all),
        reason: input.reason,
      });
    } else if (!sameJson(current, wanted)) {
      const waiting = await repo.findPendingRequestFor(trx, 'machine_client', id);
      if (waiting) throw new DomainError('ADMIN_REQUEST_PENDING', { requestId: waiting.id });
      await applyReach(trx, caller, client, wanted);
    }
  }
  return { client: await reload(trx, id), pendingRequest: await requestView(trx, request) };
}

/** A new secret (made by the route before the transaction); every token of the old one is revoked. */
export async function rotateSecret(
  trx: Kysely<DB>,
  caller: AdminCaller,
  id: string,
  secret: { secret: string; hash: string },
): Promise<{ client: ClientView; secret: string; tokensRevoked: number }> {
  await clientInReach(trx, caller, id, { forUpdate: true });
  const { tokensRevoked } = await identity.replaceClientSecret(trx, id, secret.hash);
  await audit(trx, caller, {
    action: 'update',
    resourceType: 'machine_client',
    resourceId: id,
    fields: ['secret', 'tokens'],
  });
  return { client: await reload(trx, id), secret: secret.secret, tokensRevoked };
}

/** Disables the client; its live tokens are revoked at once. */
export async function disableClient(trx: Kysely<DB>, caller: AdminCaller, id: string): Promise<ClientView> {
  await clientInReach(trx, caller, id, { forUpdate: true });
  await identity.disableClient(trx, id);
  await audit(trx, caller, {
    action: 'update',
    resourceType: 'machine_client',
    resourceId: id,
    fields: ['disabled', 'tokens'],
  });
  return reload(trx, id);
}

export async function enableClient(trx: Kysely<DB>, caller: AdminCaller, id: string): Promise<ClientView> {
  await clientInReach(trx, caller, id, { forUpdate: true });
  await identity.enableClient(trx, id);
  await audit(trx, caller, {
    action: 'update',
    resourceType: 'machine_client',
    resourceId: id,
    fields: ['disabled'],
  });
  return reload(trx, id);
}

/** For the approval of a pending request: the client as it is, within the caller's areas. */
export function clientForApproval(trx: Kysely<DB>, caller: AdminCaller, id: string) {
  return clientInReach(trx, caller, id, { forUpdate: true });
}
