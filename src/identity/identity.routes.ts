import type { HttpPlugin } from '../platform/http/server.ts';
import { authRoutes } from './auth.routes.ts';
import { demoIdpRoutes } from './demo-idp.routes.ts';

/**
 * The identity context's HTTP routes (tag 'identity'): sign-in, sessions, tokens, and in DEMO mode the
 * demo identity provider. The authentication hook itself is `authenticationPlugin` (authenticate.ts),
 * which comes first in the app's plugin list.
 */
export const identityRoutes: HttpPlugin = async (app, ctx) => {
  await authRoutes(app, ctx);
  if (ctx.config.DEMO) await demoIdpRoutes(app, ctx);
};
