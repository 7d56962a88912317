import type { ContextModule } from '../platform/context-module.ts';
import { territoryRoutes } from './territory.routes.ts';

export const territoryModule: ContextModule = {
  name: 'territory',
  docs: 'Regions, districts and mahallas of the pilot area, with names in four languages',
  routes: [territoryRoutes],
  tables: ['region', 'district', 'mahalla'],
  actions: [],
};
