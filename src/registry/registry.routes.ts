import { z } from 'zod';
import { scopeFor } from '../access/access.plugin.ts';
import { readDbOf } from '../platform/context.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { changeRequestRoutes } from './change-requests/change-request.routes.ts';
import { duplicateRoutes } from './duplicates/duplicate.routes.ts';
import { householdRoutes } from './households/household.routes.ts';
import { registrySummary } from './households/household.service.ts';
import { personRoutes } from './persons/person.routes.ts';

const Summary = z.object({
  households: z.number().int(),
  persons: z.number().int(),
  mahallas: z.number().int(),
  byDistrict: z.array(z.object({ code: z.string(), name: z.string(), households: z.number().int() })),
});

export const registryRoutes: HttpPlugin = async (app, ctx) => {
  app.get(
    '/api/registry/summary',
    {
      config: { access: { action: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: 'Counts of the Social Registry (within your areas)',
        response: { 200: Summary },
      },
    },
    async (request) =>
      // Counts tolerate a few seconds of replica lag; the actor's grants are read on the primary.
      registrySummary(readDbOf(ctx), await scopeFor(request, ctx.database.db, 'registry.read')),
  );
  for (const plugin of [householdRoutes, personRoutes, changeRequestRoutes, duplicateRoutes])
    await plugin(app, ctx);
};
