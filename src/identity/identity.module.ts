import type { ContextModule } from '../platform/context-module.ts';
import { registerIdentityJobs, scheduleIdentityPurge } from './identity.purge.ts';
import { identityRoutes } from './identity.routes.ts';

/** Its authenticationPlugin is installed first by src/app.ts, before every context's routes. */
export const identityModule: ContextModule = {
  name: 'identity',
  docs: 'Sign-in of staff, citizens (OpenID Connect) and machine clients (OAuth2); sessions, tokens, purge',
  routes: [identityRoutes],
  registerJobs: registerIdentityJobs,
  schedules: scheduleIdentityPurge,
  tables: [
    'account',
    'login_throttle',
    'role_grant',
    'auth_session',
    'machine_client',
    'access_token',
    'oidc_login',
    'demo_idp_key',
    'demo_idp_code',
    'token_throttle',
  ],
  actions: [],
};
