import type { Kysely } from 'kysely';
import type { Actor, RoleGrant } from '../access/actor.ts';
import type { DB } from '../platform/db/schema.ts';
import * as repo from './identity.repository.ts';
import type { IdentitySettings } from './identity.settings.ts';
import { forgetSessions, type SessionMemory } from './session-memory.ts';
import { newToken, tokenDigest } from './tokens.ts';

/**
 * Browser sessions of staff and citizens. The cookie carries a random token; the database keeps only its
 * sha256 (the session id), so any process can check a cookie and a leaked table signs nobody in.
 */

export const CITIZEN_GRANT: RoleGrant = { role: 'citizen', area: null, organisation: 'citizen' };

/** last_seen_at is written at most this often: the idle timeout needs minutes, not every request. */
const TOUCH_EVERY_MS = 60_000;

export interface NewSessionResult {
  token: string;
  sessionId: string;
  csrfToken: string;
}

export async function createSession(
  db: Kysely<DB>,
  settings: IdentitySettings,
  owner: { kind: 'staff'; accountId: string } | { kind: 'citizen'; personId: string },
  now = new Date(),
): Promise<NewSessionResult> {
  const token = newToken();
  const sessionId = tokenDigest(token);
  const csrfToken = newToken();
  await repo.insertSession(db, {
    id: sessionId,
    kind: owner.kind,
    accountId: owner.kind === 'staff' ? owner.accountId : null,
    personId: owner.kind === 'citizen' ? owner.personId : null,
    csrfToken,
    now,
    expiresAt: new Date(now.getTime() + settings.absoluteMs),
  });
  return { token, sessionId, csrfToken };
}

export type SessionActor = Extract<Actor, { kind: 'staff' | 'citizen' }>;

/**
 * The actor of a cookie's token and the session's CSRF token, or undefined when it is not live. With a
 * `memory`, a session this process read a moment ago is taken from it (ADR 015).
 */
export async function resolveSession(
  db: Kysely<DB>,
  settings: IdentitySettings,
  token: string,
  now = new Date(),
  memory?: SessionMemory,
): Promise<{ actor: SessionActor; csrfToken: string } | undefined> {
  const id = tokenDigest(token);
  let session = memory?.recall(id, now);
  if (!session) {
    const mark = memory?.mark() ?? 0;
    session = await repo.findLiveSession(db, id, now, settings.idleMs);
    if (!session) return undefined;
    memory?.keep(session, mark, now);
  }
  if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
    await repo.touchSession(db, session.id, now);
    memory?.touched(session.id, now);
  }
  if (session.kind === 'staff' && session.account) {
    const grants = session.grants;
    return {
      csrfToken: session.csrfToken,
      actor: {
        kind: 'staff',
        id: session.account.id,
        username: session.account.username,
        displayName: session.account.displayName,
        grants,
        sessionId: session.id,
      },
    };
  }
  if (session.kind === 'citizen' && session.person) {
    const grants = session.grants;
    return {
      csrfToken: session.csrfToken,
      actor: {
        kind: 'citizen',
        personId: session.person.id,
        pinfl: session.person.pinfl,
        displayName: session.person.displayName,
        grants: [CITIZEN_GRANT, ...grants],
        sessionId: session.id,
      },
    };
  }
  return undefined;
}

export async function revokeSessionByToken(db: Kysely<DB>, token: string, now = new Date()): Promise<void> {
  const sessionId = tokenDigest(token);
  await repo.revokeSession(db, sessionId, now);
  // This process's next request must not wait for the notice.
  forgetSessions({ sessionId });
}

export function csrfTokenOf(db: Kysely<DB>, sessionId: string): Promise<string | undefined> {
  return repo.findCsrfToken(db, sessionId);
}
