import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { handlersSettled, trackHandlers } from './in-flight.ts';

describe('handlers in flight', () => {
  it('a stop waits for a handler whose client is gone, and gives up after the grace period', async () => {
    const app = Fastify();
    trackHandlers(app);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let finished = false;
    app.get('/slow', async () => {
      await gate;
      finished = true;
      return { ok: true };
    });
    app.get('/fast', async () => ({ ok: true }));
    await app.ready();
    expect(await handlersSettled(app, 10)).toBe(true);
    const slow = app.inject({ method: 'GET', url: '/slow' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await app.inject({ method: 'GET', url: '/fast' })).statusCode).toBe(200);
    // Still running: the grace period ends first.
    expect(await handlersSettled(app, 30)).toBe(false);
    const settled = handlersSettled(app, 5_000);
    release();
    expect(await settled).toBe(true);
    expect(finished).toBe(true);
    expect((await slow).statusCode).toBe(200);
    await app.close();
  });
});
