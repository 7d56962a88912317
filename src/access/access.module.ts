import type { ContextModule } from '../platform/context-module.ts';

/**
 * Authorisation. Its plugin (accessPlugin) is not among `routes`: src/app.ts installs it second, right
 * after authentication, because it must see every route registered after it. Its actions are defined by
 * the contexts whose routes use them.
 */
export const accessModule: ContextModule = {
  name: 'access',
  docs: 'Who may do what where: roles, grants, machine scopes, area scopes, purposes; the access plugin',
  tables: ['purpose_grant'],
  actions: [],
};
