import type { ContextModule } from '../platform/context-module.ts';
import { offerRoutes } from './offers.routes.ts';
import { proactiveRoutes } from './proactive.routes.ts';

export const proactiveModule: ContextModule = {
  name: 'proactive',
  docs: 'Life events turned into services without an application: service cases, offers and responses',
  routes: [proactiveRoutes, offerRoutes],
  tables: ['service_case', 'service_case_step', 'offer_response'],
  actions: [],
};
