import type { ContextModule } from '../platform/context-module.ts';
import { webRoutes } from './web.routes.ts';

export const webModule: ContextModule = {
  name: 'web',
  docs: 'Serves the built web app (web/dist): assets, precompressed twins, index.html for page paths',
  routes: [webRoutes],
  tables: [],
  actions: [],
};
