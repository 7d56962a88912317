import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from '../../test/support/app.ts';
import type { RoleGrant } from '../access/actor.ts';

/** Helpers of the administration tests: administrators, their requests, sign-ins of created accounts. */

export const KHOREZM = '1733';
/** A region other than Khorezm (its districts are not installed; the region row is). */
export const OTHER_REGION = '1703';

export const region = (code = KHOREZM): RoleGrant['area'] => ({ kind: 'region', code });

export const adminGrant = (code = KHOREZM): RoleGrant[] => [
  { role: 'regional_admin', area: region(code), organisation: 'Viloyat hokimligi' },
];

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export function errorCode(reply: LightMyRequestResponse): string | undefined {
  return (reply.json() as Partial<ErrorBody>).error?.code;
}

/** Requests as a staff member (created with these grants on first use), with session cookie and CSRF token. */
export function as(t: TestApp, username: string, grants: RoleGrant[] = adminGrant()) {
  const send = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: unknown) =>
    t.app.inject({
      method,
      url,
      headers: await t.staff(username, grants),
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return {
    get: (url: string) => send('GET', url),
    post: (url: string, payload: unknown = {}) => send('POST', url, payload),
    put: (url: string, payload: unknown) => send('PUT', url, payload),
    patch: (url: string, payload: unknown) => send('PATCH', url, payload),
  };
}

/** The first mahalla and district of Khorezm, for grants inside the administrators' region. */
export async function khorezmPlaces(t: TestApp): Promise<{ mahalla: string; district: string }> {
  const m = await t.database.db
    .selectFrom('mahalla')
    .select(['code', 'district_code'])
    .where('district_code', 'like', `${KHOREZM}%`)
    .orderBy('code')
    .executeTakeFirstOrThrow();
  return { mahalla: m.code, district: m.district_code };
}

export function newAccount(
  username: string,
  grants: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: randomUUID(),
    username,
    displayName: `Test ${username}`,
    password: `pw-${username}-long-enough`,
    grants,
    ...extra,
  };
}

/** Signs in through POST /auth/login: the status, and the session's headers when it worked. */
export async function signIn(t: TestApp, username: string, password: string, totp?: string) {
  const reply = await t.app.inject({
    method: 'POST',
    url: '/auth/login',
    payload: { username, password, ...(totp ? { totp } : {}) },
  });
  const cookie = String(reply.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  const body = reply.json() as { csrfToken?: string; actor?: { grants?: RoleGrant[] } };
  return {
    status: reply.statusCode,
    code: errorCode(reply),
    grants: body.actor?.grants ?? [],
    headers: { cookie, 'x-csrf-token': body.csrfToken ?? '' },
  };
}

/** The kind of actor a session's cookie stands for now ('anonymous' once it ended). */
export async function sessionKind(t: TestApp, headers: Record<string, string>): Promise<string> {
  const reply = await t.app.inject({ method: 'GET', url: '/auth/session', headers });
  return (reply.json() as { actor: { kind: string } }).actor.kind;
}
