import type { ContextModule } from '../platform/context-module.ts';
import { auditRoutes } from './audit.routes.ts';
import { startSealing } from './audit.sealer.ts';
import { auditAppendsSettled } from './audit.service.ts';

export const auditModule: ContextModule = {
  name: 'audit',
  docs: "Append-only audit log sealed in hash-chained batches; citizens' access log and complaints",
  routes: [auditRoutes],
  // The sealer: every second, folds the entries of ended transactions into the next batch.
  start: async (ctx) => startSealing(ctx.database.db, ctx.logger),
  // Entries of audited reads waiting for their group commit (audit.group-commit.ts).
  settle: (ctx) => auditAppendsSettled(ctx.database.db),
  tables: ['audit_chain_head', 'audit_log', 'audit_batch', 'access_complaint'],
  actions: ['audit.read'],
};
