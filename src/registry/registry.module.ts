import type { ContextModule } from '../platform/context-module.ts';
import { meRoutes } from './persons/me.routes.ts';
import { registerRegistryJobs } from './registry.jobs.ts';
import { registryRoutes } from './registry.routes.ts';

export const registryModule: ContextModule = {
  name: 'registry',
  docs: 'The Social Registry: persons, households, dated memberships and facts, change requests, duplicates',
  routes: [registryRoutes, meRoutes],
  registerJobs: registerRegistryJobs,
  tables: [
    'person',
    'person_history',
    'household',
    'membership',
    'income',
    'dwelling',
    'vehicle',
    'bank_deposit',
    'disability',
    'change_request',
    'duplicate_candidate',
    'member_name',
  ],
  actions: [
    'registry.read',
    'health.read',
    'change_requests.submit',
    'change_requests.decide',
    'duplicates.review',
  ],
};
