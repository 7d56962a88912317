import type { FastifyInstance, RouteHandlerMethod } from 'fastify';

/**
 * Route handlers still running. Fastify's close() ends once the sockets are gone, but a client that drops
 * its connection (a load balancer's timeout, a load generator stopping) leaves its handler running: closing
 * the database then would fail that handler's last statement (typically its audit entry). A stopping
 * process waits for these first.
 */
const running = new WeakMap<FastifyInstance, { count: number; idle: Array<() => void> }>();

/** Counts every route registered after this call (install it before the routes). */
export function trackHandlers(app: FastifyInstance): void {
  const state = { count: 0, idle: [] as Array<() => void> };
  running.set(app, state);
  const done = () => {
    state.count--;
    if (state.count === 0) for (const wake of state.idle.splice(0)) wake();
  };
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function tracked(this: FastifyInstance, request, reply) {
      state.count++;
      try {
        const result: unknown = handler.call(this, request, reply);
        if (result instanceof Promise) return result.finally(done);
        done();
        return result;
      } catch (error) {
        done();
        throw error;
      }
    } as RouteHandlerMethod;
  });
}

/** Resolves true when no handler runs, or false after `timeoutMs` with some still running. */
export async function handlersSettled(app: FastifyInstance, timeoutMs: number): Promise<boolean> {
  const state = running.get(app);
  if (!state || state.count === 0) return true;
  return new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
    state.idle.push(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
