import { onApplicationStep } from '../casework/application.events.ts';
import type { ContextModule } from '../platform/context-module.ts';
import { intakeRoutes } from './intake.routes.ts';
import { notifyIntakeStatus, registerIntakeDelivery } from './intake.service.ts';

export const intakeModule: ContextModule = {
  name: 'intake',
  docs: "my.gov.uz intake: applications the state portal submits with the citizen's consent; status callbacks",
  routes: [intakeRoutes],
  // An application that moves a step queues the portal's status callback, in casework's transaction.
  wire: () => onApplicationStep('intake.status-callback', notifyIntakeStatus),
  // Status callbacks leave through the outbox: this registers the handler of its 'intake_callback' kind.
  registerJobs: () => registerIntakeDelivery(),
  tables: ['intake_application', 'intake_callback'],
  actions: ['intake.submit'],
};
