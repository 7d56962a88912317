import type { ContextModule } from '../platform/context-module.ts';
import { auditRoutes } from './audit.routes.ts';

export const auditModule: ContextModule = {
  name: 'audit',
  docs: "Append-only, hash-chained audit log; citizens' access log and complaints",
  routes: [auditRoutes],
  tables: ['audit_chain_head', 'audit_log', 'access_complaint'],
  actions: ['audit.read'],
};
