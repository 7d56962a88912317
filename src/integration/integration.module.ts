import type { ContextModule } from '../platform/context-module.ts';
import { registerIntegrationJobs, scheduleIntegrationPulls } from './integration.jobs.ts';
import { integrationRoutes } from './integration.routes.ts';

export const integrationModule: ContextModule = {
  name: 'integration',
  docs: 'Agency adapters, the inbound pipeline (validate, quarantine or COPY, apply), pulls and pushed events',
  routes: [integrationRoutes],
  registerJobs: registerIntegrationJobs,
  schedules: scheduleIntegrationPulls,
  tables: [
    'inbound_record',
    'quarantine',
    'integration_cursor',
    'medical_record',
    'stage_tax',
    'stage_pension',
    'stage_cadastre',
    'stage_vehicle',
    'stage_bank',
    'stage_medical',
    'stage_civil',
  ],
  actions: ['events.push', 'events.push:any'],
};
