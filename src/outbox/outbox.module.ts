import type { ContextModule } from '../platform/context-module.ts';
import { registerOutboxJobs, startOutbox } from './outbox.jobs.ts';
import { outboxRoutes } from './outbox.routes.ts';

export const outboxModule: ContextModule = {
  name: 'outbox',
  docs: 'Every outgoing message (SMS, partners’ callbacks): retries with backoff and jitter, dead letters',
  routes: [outboxRoutes],
  registerJobs: registerOutboxJobs,
  // Messages leave as soon as they are queued, and retries wake up on time.
  start: startOutbox,
  tables: ['outbox_message'],
  actions: ['outbox.read', 'outbox.retry'],
};
