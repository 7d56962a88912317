import type { HttpPlugin } from '../platform/http/server.ts';
import { accountRoutes } from './accounts.routes.ts';
import { clientRoutes } from './clients.routes.ts';
import { requestRoutes } from './requests.routes.ts';

/** The administration API under /api/admin (see README.md): accounts, machine clients, four-eyes requests. */
export const administrationRoutes: HttpPlugin = async (app, ctx) => {
  await accountRoutes(app, ctx);
  await clientRoutes(app, ctx);
  await requestRoutes(app, ctx);
};
