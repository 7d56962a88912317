import { onDecisionsWritten } from '../decisions/decision.events.ts';
import type { ContextModule } from '../platform/context-module.ts';
import { offerRoutes } from './offers.routes.ts';
import { proactiveRoutes } from './proactive.routes.ts';
import { notifyRunDecisions } from './run-notices.ts';

export const proactiveModule: ContextModule = {
  name: 'proactive',
  docs: 'Life events turned into services without an application: service cases, offers and responses',
  routes: [proactiveRoutes, offerRoutes],
  // Every path that writes decisions (a month's run, a household re-evaluated, an approved override or
  // appeal) tells the families of them.
  wire: () =>
    onDecisionsWritten('proactive.notify-families', (db, event) =>
      notifyRunDecisions(db, event.runId, event.cause),
    ),
  tables: ['service_case', 'service_case_step', 'offer_response'],
  actions: [],
};
