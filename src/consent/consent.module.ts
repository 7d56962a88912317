import type { ContextModule } from '../platform/context-module.ts';
import { consentRoutes } from './consent.routes.ts';

export const consentModule: ContextModule = {
  name: 'consent',
  docs: 'Consents to data sharing and proactive offers: grant, withdraw, in force at a time',
  routes: [consentRoutes],
  tables: ['consent'],
  actions: [],
};
