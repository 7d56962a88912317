import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { Area, RoleGrant } from '../access/actor.ts';
import * as identity from '../identity/admin.service.ts';
import type { DB } from '../platform/db/schema.ts';
import type { AdminRequestRecord } from './administration.repository.ts';
import type { AccountView, ClientView, GrantView, ReachView, RequestView } from './administration.schemas.ts';
import { areaView, type Places, placesFor } from './areas.ts';
import { grantsOf, reachOf } from './four-eyes.ts';
import { isWideGrant } from './reach.ts';

/** What the administration API answers: names of areas and people, never a hash or a secret. */

const grantView = (places: Places, g: RoleGrant): GrantView => ({
  role: g.role,
  area: areaView(places, g.area),
  organisation: g.organisation,
  registryWide: isWideGrant(g),
});

export async function accountViews(
  db: Kysely<DB>,
  accounts: readonly identity.StaffAccountRecord[],
  pending: ReadonlyMap<string, string>,
): Promise<AccountView[]> {
  const places = await placesFor(
    db,
    accounts.flatMap((a) => a.grants.map((g) => g.area)),
  );
  return accounts.map((a) => ({
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    disabled: a.disabled,
    lockedUntil: a.lockedUntil && a.lockedUntil.getTime() > Date.now() ? a.lockedUntil : null,
    totpEnabled: a.totpEnabled,
    createdAt: a.createdAt,
    grants: a.grants.map((g) => grantView(places, g)),
    pendingRequestId: pending.get(a.id) ?? null,
  }));
}

export async function clientViews(
  db: Kysely<DB>,
  clients: readonly identity.MachineClientAdminRecord[],
  pending: ReadonlyMap<string, string>,
): Promise<ClientView[]> {
  const places = await placesFor(
    db,
    clients.map((c) => c.area),
  );
  return Promise.all(
    clients.map(async (c) => ({
      id: c.id,
      agency: c.agency,
      scopes: c.scopes,
      area: areaView(places, c.area),
      callbackUris: c.callbackUris,
      defaultCallbackUri: c.defaultCallbackUri,
      signingKey: c.signingJwk
        ? { jwk: c.signingJwk, thumbprint: await calculateJwkThumbprint(c.signingJwk as JWK).catch(() => '') }
        : null,
      disabled: c.disabled,
      createdAt: c.createdAt,
      pendingRequestId: pending.get(c.id) ?? null,
    })),
  );
}

function reachView(kind: AdminRequestRecord['targetKind'], value: unknown, places: Places): ReachView {
  if (kind === 'account') return { grants: grantsOf(value).map((g) => grantView(places, g)) };
  const reach = reachOf(value);
  return { scopes: reach.scopes, area: areaView(places, reach.area) };
}

function areasIn(r: AdminRequestRecord): (Area | null)[] {
  return [r.change, r.before].flatMap((v) =>
    r.targetKind === 'account' ? grantsOf(v).map((g) => g.area) : [reachOf(v).area],
  );
}

export async function requestViews(
  db: Kysely<DB>,
  requests: readonly AdminRequestRecord[],
): Promise<RequestView[]> {
  const places = await placesFor(db, requests.flatMap(areasIn));
  const accountIds = requests.flatMap((r) => [
    r.proposedBy,
    ...(r.reviewedBy ? [r.reviewedBy] : []),
    ...(r.targetKind === 'account' ? [r.targetId] : []),
  ]);
  const names = await identity.accountNames(db, accountIds);
  const clientIds = [
    ...new Set(requests.filter((r) => r.targetKind === 'machine_client').map((r) => r.targetId)),
  ];
  const agencies = new Map<string, string>();
  for (const id of clientIds) {
    const client = await identity.findMachineClient(db, id);
    if (client) agencies.set(id, client.agency);
  }
  const person = (id: string | null) => {
    const found = id ? names.get(id) : undefined;
    return id && found ? { id, ...found } : null;
  };
  return requests.map((r) => {
    const account = r.targetKind === 'account' ? names.get(r.targetId) : undefined;
    const label = account
      ? `${account.displayName} (${account.username})`
      : `${agencies.get(r.targetId) ?? r.targetId} (${r.targetId})`;
    return {
      id: r.id,
      targetKind: r.targetKind,
      target: { id: r.targetId, label },
      change: reachView(r.targetKind, r.change, places),
      before: reachView(r.targetKind, r.before, places),
      reason: r.reason,
      status: r.status,
      proposedBy: person(r.proposedBy),
      reviewedBy: person(r.reviewedBy),
      reviewNote: r.reviewNote,
      createdAt: r.createdAt,
      reviewedAt: r.reviewedAt,
    };
  });
}
