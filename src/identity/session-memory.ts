import { randomUUID } from 'node:crypto';
import type { Database } from '../platform/db/database.ts';
import type { LiveSession } from './identity.repository.ts';

/**
 * The live sessions this process has read, kept for a short time so a signed-in request need not read its
 * session again (ADR 015). Trusted only while the process hears every change: the triggers of migration 031
 * notify `himoya_sessions` when a session, an account, a person or a role grant changes, and a notice drops
 * what it names. While the listening connection is down nothing is kept or returned.
 *
 * Only live sessions are kept; the absolute and idle ends are checked against the kept times on every
 * recall, so a session still ends on time without a notice.
 */

export const SESSION_CHANNEL = 'himoya_sessions';

interface Kept {
  session: LiveSession;
  owner: string;
  keptAt: number;
}

export interface SessionMemoryOptions {
  /** How long an entry may be used after it was read; 0 switches the memory off. */
  ttlMs: number;
  idleMs: number;
  /** Above this many entries the oldest is dropped. */
  maxEntries?: number;
}

export class SessionMemory {
  private readonly entries = new Map<string, Kept>();
  private readonly byOwner = new Map<string, Set<string>>();
  private readonly syncs = new Map<string, () => void>();
  private listening = false;
  /**
   * Whether a notice of its own, sent through the pool, came back on the listening connection since it last
   * (re)connected: a listener behind a transaction-pooling proxy is "connected" yet hears nothing, and such a
   * memory must never be trusted. Proved at start and by every heartbeat (`sync`).
   */
  private proven = false;
  /** Moves on every drop: a read that began before a drop of its keys may have seen what it is about. */
  private drops = 0;
  /** The drop number of the last drop of each key ('s:…', 'a:…', 'p:…'), bounded by `maxEntries`. */
  private readonly droppedAt = new Map<string, number>();
  /** The drop number of the last drop of everything ('*', the listener lost or regained). */
  private allDroppedAt = 0;
  private readonly maxEntries: number;

  constructor(private readonly options: SessionMemoryOptions) {
    this.maxEntries = options.maxEntries ?? 50_000;
  }

  get size(): number {
    return this.entries.size;
  }

  /** True when recalls may answer: switched on, and hearing every notice. */
  get trusted(): boolean {
    return this.options.ttlMs > 0 && this.listening && this.proven;
  }

  /** A mark to take before reading a session from the database, given back to `keep`. */
  mark(): number {
    return this.drops;
  }

  /** The kept session `id` if it is still live at `now`, else undefined (the caller reads it again). */
  recall(id: string, now: Date): LiveSession | undefined {
    if (!this.trusted) return undefined;
    const kept = this.entries.get(id);
    if (!kept) return undefined;
    const at = now.getTime();
    if (
      at - kept.keptAt > this.options.ttlMs ||
      kept.session.expiresAt.getTime() <= at ||
      at - kept.session.lastSeenAt.getTime() >= this.options.idleMs
    ) {
      this.forget(id);
      return undefined;
    }
    return kept.session;
  }

  /**
   * Keeps a session read from the database, unless it, its account or person, or everything was dropped
   * since `mark` was taken: the read may predate that change. Drops of other keys do not matter, so a busy
   * system's stream of notices does not keep every read out.
   */
  keep(session: LiveSession, mark: number, now: Date): void {
    if (!this.trusted) return;
    const owner = ownerKey(session);
    const since = (key: string) => (this.droppedAt.get(key) ?? 0) > mark;
    if (this.allDroppedAt > mark || since(`s:${session.id}`) || since(owner)) return;
    this.forget(session.id);
    this.entries.set(session.id, { session, owner, keptAt: now.getTime() });
    let ids = this.byOwner.get(owner);
    if (!ids) {
      ids = new Set();
      this.byOwner.set(owner, ids);
    }
    ids.add(session.id);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.forget(oldest.value);
    }
  }

  /** The session's last_seen_at was written (the idle end moves on). */
  touched(id: string, at: Date): void {
    const kept = this.entries.get(id);
    if (kept) kept.session = { ...kept.session, lastSeenAt: at };
  }

  /** A notice (or this process's own change): 's:<session>', 'a:<account>', 'p:<person>' or '*'. */
  heard(payload: string): void {
    if (payload.startsWith('sync:')) {
      this.syncs.get(payload.slice(5))?.();
      return;
    }
    this.drops++;
    if (payload === '*') {
      this.dropAll();
      return;
    }
    this.droppedAt.delete(payload);
    this.droppedAt.set(payload, this.drops);
    // Bounded: past the bound, forgetting which keys were dropped means treating everything as dropped.
    if (this.droppedAt.size > this.maxEntries) this.dropAll();
    if (payload.startsWith('s:')) {
      this.forget(payload.slice(2));
      return;
    }
    const ids = this.byOwner.get(payload);
    if (ids) for (const id of [...ids]) this.forget(id);
  }

  /** The listening connection's state: whatever happened while it was down is unknown, so all goes. */
  listeningChanged(listening: boolean): void {
    this.drops++;
    this.dropAll();
    this.listening = listening;
    this.proven = false;
  }

  /** A notice of its own came back: what is committed is heard (see `proven`). */
  confirmListening(): void {
    if (this.listening) this.proven = true;
  }

  /**
   * Resolves once every notice committed before the call has been heard: a notice of its own goes through
   * the same channel, and a listener hears notices in commit order. Used where a change made outside this
   * process's services must be seen by its very next request (tests that age a session in SQL).
   */
  async sync(send: (payload: string) => Promise<void>, timeoutMs = 5_000): Promise<void> {
    if (this.options.ttlMs <= 0 || !this.listening) return;
    const nonce = randomUUID();
    const heard = new Promise<boolean>((resolve) => this.syncs.set(nonce, () => resolve(true)));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      await send(`sync:${nonce}`);
      if (await Promise.race([heard, late])) this.confirmListening();
      else {
        // Not heard in time: trust nothing kept, and keep nothing, until a notice comes back again.
        this.heard('*');
        this.proven = false;
      }
    } catch {
      this.heard('*');
      this.proven = false;
    } finally {
      clearTimeout(timer);
      this.syncs.delete(nonce);
    }
  }

  private forget(id: string): void {
    const kept = this.entries.get(id);
    if (!kept) return;
    this.entries.delete(id);
    const ids = this.byOwner.get(kept.owner);
    ids?.delete(id);
    if (ids?.size === 0) this.byOwner.delete(kept.owner);
  }

  private dropAll(): void {
    this.allDroppedAt = this.drops;
    this.droppedAt.clear();
    this.entries.clear();
    this.byOwner.clear();
  }
}

function ownerKey(session: LiveSession): string {
  return session.kind === 'staff' ? `a:${session.account?.id ?? ''}` : `p:${session.person?.id ?? ''}`;
}

// Every memory of this process (one per running app; tests run several), so a change this process makes
// through its own services is dropped before it answers, without waiting for its notice.
const memories = new Set<{ memory: SessionMemory; database: Database }>();

/** Starts a memory listening on `database`; the returned stop ends the listening and forgets it. */
export async function startSessionMemory(
  database: Database,
  options: SessionMemoryOptions,
): Promise<{ memory: SessionMemory; stop: () => Promise<void> }> {
  const memory = new SessionMemory(options);
  if (options.ttlMs <= 0) return { memory, stop: async () => undefined };
  const entry = { memory, database };
  memories.add(entry);
  const unlisten = await database.listen(
    SESSION_CHANNEL,
    (payload) => memory.heard(payload),
    (listening) => memory.listeningChanged(listening),
  );
  const send = notifierOf(database);
  // Proved before the first request, then every few seconds: after a reconnection, or if notices stop
  // arriving (a proxy that does not carry LISTEN), the memory is out of use within one heartbeat.
  await memory.sync(send, HEARTBEAT_TIMEOUT_MS);
  let beating = false;
  const heartbeat = setInterval(() => {
    if (beating) return;
    beating = true;
    void memory.sync(send, HEARTBEAT_TIMEOUT_MS).finally(() => {
      beating = false;
    });
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    memory,
    stop: async () => {
      clearInterval(heartbeat);
      memories.delete(entry);
      await unlisten();
    },
  };
}

/** Sends a notice on the sessions' channel through the pool (the heartbeat's and `sync`'s own notices). */
function notifierOf(database: Database): (payload: string) => Promise<void> {
  return async (payload) => {
    await database.query('select pg_notify($1, $2)', [SESSION_CHANNEL, payload]);
  };
}

const HEARTBEAT_MS = 3_000;
const HEARTBEAT_TIMEOUT_MS = 2_000;

/** Drops, in every memory of this process, the session `id` or the sessions of an account or person. */
export function forgetSessions(what: { sessionId: string } | { accountId: string } | { personId: string }) {
  const payload =
    'sessionId' in what
      ? `s:${what.sessionId}`
      : 'accountId' in what
        ? `a:${what.accountId}`
        : `p:${what.personId}`;
  for (const { memory } of memories) memory.heard(payload);
}

/** Waits until every memory of this process has heard each change committed so far (see `sync`). */
export async function settleSessionNotices(): Promise<void> {
  await Promise.all([...memories].map(({ memory, database }) => memory.sync(notifierOf(database))));
}
