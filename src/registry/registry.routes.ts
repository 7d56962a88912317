import { z } from 'zod';
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
    { schema: { tags: ['registry'], summary: 'Counts of the Social Registry', response: { 200: Summary } } },
    async () => registrySummary(ctx.database.db),
  );
  for (const plugin of [householdRoutes, personRoutes, changeRequestRoutes, duplicateRoutes])
    await plugin(app, ctx);
};
