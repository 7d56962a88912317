import type { ContextModule } from '../platform/context-module.ts';
import { caseworkRoutes } from './casework.routes.ts';

export const caseworkModule: ContextModule = {
  name: 'casework',
  docs: 'Four-eyes overrides, appeals with their SLA, applications (pre-check, questionnaire, opinion, SLA)',
  routes: [caseworkRoutes],
  tables: ['override_request', 'appeal', 'appeal_event', 'application'],
  actions: [
    'overrides.propose',
    'overrides.approve',
    'appeals.submit',
    'appeals.decide',
    'applications.submit',
    'applications.process',
    'applications.decide',
  ],
};
