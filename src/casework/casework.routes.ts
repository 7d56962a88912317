import type { HttpPlugin } from '../platform/http/server.ts';
import { appealRoutes } from './appeal.routes.ts';
import { applicationRoutes } from './application.routes.ts';
import { overrideRoutes } from './override.routes.ts';

/** The casework context's HTTP routes (tag 'casework'). */
export const caseworkRoutes: HttpPlugin = async (app, ctx) => {
  await overrideRoutes(app, ctx);
  await appealRoutes(app, ctx);
  await applicationRoutes(app, ctx);
};
