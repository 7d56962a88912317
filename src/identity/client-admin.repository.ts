import type { Kysely } from 'kysely';
import type { Area } from '../access/actor.ts';
import type { Scope } from '../access/policies.ts';
import type { DB } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';
import { areaColumnsWithin } from '../territory/area-scope.ts';

/**
 * The SQL of administering machine clients (src/administration calls it through admin.service.ts). What
 * leaves here never holds the secret's hash.
 */

export interface MachineClientAdminRecord {
  id: string;
  agency: string;
  scopes: string[];
  area: Area | null;
  callbackUris: string[];
  defaultCallbackUri: string | null;
  signingJwk: Record<string, unknown> | null;
  disabled: boolean;
  createdAt: Date;
}

const columns = [
  'c.id',
  'c.agency',
  'c.scopes',
  'c.area_kind',
  'c.area_code',
  'c.callback_uris',
  'c.default_callback_uri',
  'c.signing_jwk',
  'c.disabled',
  'c.created_at',
] as const;

type Row = {
  id: string;
  agency: string;
  scopes: string[];
  area_kind: Area['kind'] | null;
  area_code: string | null;
  callback_uris: string[];
  default_callback_uri: string | null;
  signing_jwk: Record<string, unknown> | null;
  disabled: boolean;
  created_at: Date;
};

const toRecord = (r: Row): MachineClientAdminRecord => ({
  id: r.id,
  agency: r.agency,
  scopes: [...r.scopes].sort(),
  area: r.area_kind && r.area_code ? { kind: r.area_kind, code: r.area_code } : null,
  callbackUris: r.callback_uris,
  defaultCallbackUri: r.default_callback_uri,
  signingJwk: r.signing_jwk,
  disabled: r.disabled,
  createdAt: new Date(r.created_at),
});

/** A client with no area reaches the whole registry: only an administrator without an area sees it. */
const clientWithin = (scope: Scope) => areaColumnsWithin(scope, 'c.area_kind', 'c.area_code');

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface ClientFilters {
  /** Part of the client id or the agency, any case. */
  q?: string | undefined;
  disabled?: boolean | undefined;
}

export async function listMachineClients(
  db: Kysely<DB>,
  filters: ClientFilters,
  page: PageQuery,
  scope: Scope,
): Promise<{ items: MachineClientAdminRecord[]; total: number }> {
  let query = db.selectFrom('machine_client as c').where(clientWithin(scope));
  if (filters.q) {
    const pattern = `%${escapeLike(filters.q.toLowerCase())}%`;
    query = query.where((eb) =>
      eb.or([eb('c.id', 'like', pattern), eb(eb.fn('lower', ['c.agency']), 'like', pattern)]),
    );
  }
  if (filters.disabled !== undefined) query = query.where('c.disabled', '=', filters.disabled);
  const [rows, count] = await Promise.all([
    query.select(columns).orderBy('c.id').limit(page.pageSize).offset(offsetOf(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toRecord), total: Number(count.n) };
}

export async function findMachineClientForAdmin(
  db: Kysely<DB>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<MachineClientAdminRecord | undefined> {
  let query = db.selectFrom('machine_client as c').select(columns).where('c.id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

export async function setSecretHash(db: Kysely<DB>, id: string, secretHash: string): Promise<void> {
  await db.updateTable('machine_client').set({ secret_hash: secretHash }).where('id', '=', id).execute();
}

export async function setClientDisabled(db: Kysely<DB>, id: string, disabled: boolean): Promise<void> {
  await db.updateTable('machine_client').set({ disabled }).where('id', '=', id).execute();
}

/** Revokes every token of the client (tokens are opaque rows: deleting one revokes it); returns how many. */
export async function deleteTokensOf(db: Kysely<DB>, clientId: string): Promise<number> {
  const result = await db.deleteFrom('access_token').where('client_id', '=', clientId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
