import { sql } from 'kysely';
import { z } from 'zod';
import type { HttpPlugin } from './server.ts';

export const Health = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });

export const healthRoutes: HttpPlugin = (app, { database }) => {
  app.get(
    '/health',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['platform'],
        summary: 'Liveness and database reachability',
        response: { 200: Health },
      },
    },
    async () => {
      // A real round trip: a server whose database is gone must not report ok.
      await sql`select 1`.execute(database.db);
      return { status: 'ok' as const, database: database.kind };
    },
  );
};
