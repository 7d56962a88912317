import type { ContextModule } from '../platform/context-module.ts';
import { administrationRoutes } from './administration.routes.ts';

export const administrationModule: ContextModule = {
  name: 'administration',
  docs: 'Staff accounts and machine clients for regional administrators; four eyes for registry-wide reach',
  routes: [administrationRoutes],
  tables: ['admin_request', 'admin_creation'],
  actions: ['accounts.manage', 'clients.manage'],
};
