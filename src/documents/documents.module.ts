import type { ContextModule } from '../platform/context-module.ts';
import { documentRoutes } from './documents.routes.ts';

export const documentsModule: ContextModule = {
  name: 'documents',
  docs: 'Documents citizens upload: content checked against the type, per-person quota, downloads',
  routes: [documentRoutes],
  tables: ['document'],
  actions: [],
};
