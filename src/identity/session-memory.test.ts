import { describe, expect, it } from 'vitest';
import type { LiveSession } from './identity.repository.ts';
import { SessionMemory } from './session-memory.ts';

const MINUTE = 60_000;
const T0 = new Date('2027-01-10T08:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);

function staffSession(id: string, accountId: string, overrides: Partial<LiveSession> = {}): LiveSession {
  return {
    id,
    kind: 'staff',
    csrfToken: `csrf-${id}`,
    lastSeenAt: T0,
    expiresAt: at(12 * 60 * MINUTE),
    account: { id: accountId, username: `user-${accountId}`, displayName: 'Test' },
    person: null,
    grants: [],
    ...overrides,
  };
}

function citizenSession(id: string, personId: string): LiveSession {
  return {
    ...staffSession(id, 'none'),
    kind: 'citizen',
    account: null,
    person: { id: personId, pinfl: '12345678901234', displayName: 'Citizen' },
  };
}

function listeningMemory(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const memory = new SessionMemory({ ttlMs: options.ttlMs ?? 30_000, idleMs: 30 * MINUTE, ...options });
  memory.listeningChanged(true);
  memory.confirmListening();
  return memory;
}

describe('the session memory of a process (ADR 015)', () => {
  it('answers a kept session until its time to live runs out, then asks for a new read', () => {
    const memory = listeningMemory();
    memory.keep(staffSession('s1', 'a1'), memory.mark(), T0);
    expect(memory.recall('s1', at(29_000))?.id).toBe('s1');
    expect(memory.recall('s1', at(30_001))).toBeUndefined();
    expect(memory.size).toBe(0);
  });

  it('never answers a session past its absolute or idle end, whatever the time to live', () => {
    const memory = listeningMemory({ ttlMs: 300_000 });
    memory.keep(staffSession('ends', 'a1', { expiresAt: at(10_000) }), memory.mark(), T0);
    memory.keep(staffSession('idle', 'a2', { lastSeenAt: at(-30 * MINUTE + 5_000) }), memory.mark(), T0);
    expect(memory.recall('ends', at(9_999))?.id).toBe('ends');
    expect(memory.recall('ends', at(10_000))).toBeUndefined();
    expect(memory.recall('idle', at(4_999))?.id).toBe('idle');
    expect(memory.recall('idle', at(5_000))).toBeUndefined();
  });

  it('moves the idle end on when the session is touched', () => {
    const memory = listeningMemory({ ttlMs: 300_000 });
    memory.keep(staffSession('s1', 'a1', { lastSeenAt: at(-29 * MINUTE) }), memory.mark(), T0);
    memory.touched('s1', at(1_000));
    expect(memory.recall('s1', at(2 * MINUTE))?.lastSeenAt).toEqual(at(1_000));
  });

  it('drops what a notice names: one session, every session of an account or of a person, or all', () => {
    const memory = listeningMemory();
    memory.keep(staffSession('s1', 'a1'), memory.mark(), T0);
    memory.keep(staffSession('s2', 'a1'), memory.mark(), T0);
    memory.keep(staffSession('s3', 'a2'), memory.mark(), T0);
    memory.keep(citizenSession('c1', 'p1'), memory.mark(), T0);
    memory.heard('s:s3');
    expect(memory.recall('s3', T0)).toBeUndefined();
    expect(memory.recall('s1', T0)?.id).toBe('s1');
    memory.heard('a:a1');
    expect(memory.recall('s1', T0)).toBeUndefined();
    expect(memory.recall('s2', T0)).toBeUndefined();
    expect(memory.recall('c1', T0)?.id).toBe('c1');
    memory.heard('p:p1');
    expect(memory.recall('c1', T0)).toBeUndefined();
    memory.keep(staffSession('s4', 'a4'), memory.mark(), T0);
    memory.heard('*');
    expect(memory.size).toBe(0);
  });

  it('refuses to keep a read that began before a drop of its keys: it may hold what the drop was about', () => {
    const memory = listeningMemory();
    for (const drop of ['s:s1', 'a:a1', '*']) {
      const mark = memory.mark();
      memory.heard(drop);
      memory.keep(staffSession('s1', 'a1'), mark, T0);
      expect(memory.recall('s1', T0), drop).toBeUndefined();
    }
    memory.keep(staffSession('s1', 'a1'), memory.mark(), T0);
    expect(memory.recall('s1', T0)?.id).toBe('s1');
  });

  it("keeps a read while other sessions' and accounts' notices stream in", () => {
    const memory = listeningMemory();
    const mark = memory.mark();
    for (let i = 0; i < 100; i++) memory.heard(i % 2 ? `a:other-${i}` : `s:other-${i}`);
    memory.keep(staffSession('s1', 'a1'), mark, T0);
    expect(memory.recall('s1', T0)?.id).toBe('s1');
  });

  it('treats everything as dropped once it can no longer remember which keys were', () => {
    const memory = listeningMemory({ maxEntries: 10 });
    const mark = memory.mark();
    for (let i = 0; i < 11; i++) memory.heard(`a:other-${i}`);
    memory.keep(staffSession('s1', 'a1'), mark, T0);
    expect(memory.recall('s1', T0)).toBeUndefined();
  });

  it('keeps and answers nothing while it is not listening, and forgets all when listening stops', () => {
    const memory = new SessionMemory({ ttlMs: 30_000, idleMs: 30 * MINUTE });
    memory.keep(staffSession('s1', 'a1'), memory.mark(), T0);
    expect(memory.size).toBe(0);
    memory.listeningChanged(true);
    // Connected is not enough: a notice of its own must have come back.
    memory.keep(staffSession('s1', 'a1'), memory.mark(), T0);
    expect(memory.size).toBe(0);
    memory.confirmListening();
    memory.keep(staffSession('s1', 'a1'), memory.mark(), T0);
    expect(memory.recall('s1', T0)?.id).toBe('s1');
    const mark = memory.mark();
    memory.listeningChanged(false);
    expect(memory.recall('s1', T0)).toBeUndefined();
    memory.listeningChanged(true);
    memory.confirmListening();
    // A read begun while it was deaf is not kept once it listens again.
    memory.keep(staffSession('s1', 'a1'), mark, T0);
    expect(memory.size).toBe(0);
  });

  it('is off with a time to live of 0', () => {
    const memory = listeningMemory({ ttlMs: 0 });
    memory.keep(staffSession('s1', 'a1'), memory.mark(), T0);
    expect(memory.trusted).toBe(false);
    expect(memory.recall('s1', T0)).toBeUndefined();
  });

  it('holds at most maxEntries sessions, dropping the oldest', () => {
    const memory = listeningMemory({ maxEntries: 2 });
    for (const id of ['s1', 's2', 's3']) memory.keep(staffSession(id, `a-${id}`), memory.mark(), T0);
    expect(memory.size).toBe(2);
    expect(memory.recall('s1', T0)).toBeUndefined();
    expect(memory.recall('s3', T0)?.id).toBe('s3');
    // Dropping an account whose only session was evicted is harmless.
    memory.heard('a:a-s1');
    expect(memory.size).toBe(2);
  });

  it('sync proves the listener when its own notice comes back, and distrusts it when it does not', async () => {
    const memory = new SessionMemory({ ttlMs: 30_000, idleMs: 30 * MINUTE });
    memory.listeningChanged(true);
    expect(memory.trusted).toBe(false);
    await memory.sync(async (payload) => {
      queueMicrotask(() => memory.heard(payload));
    });
    expect(memory.trusted).toBe(true);
    memory.keep(staffSession('s1', 'a1'), memory.mark(), T0);
    // A listener that hears nothing (a proxy that does not carry LISTEN): out of use until proved again.
    await memory.sync(async () => undefined, 20);
    expect(memory.size).toBe(0);
    expect(memory.trusted).toBe(false);
    memory.keep(staffSession('s1', 'a1'), memory.mark(), T0);
    expect(memory.recall('s1', T0)).toBeUndefined();
    await memory.sync(async (payload) => {
      queueMicrotask(() => memory.heard(payload));
    });
    expect(memory.trusted).toBe(true);
  });
});
