import { z } from 'zod';
import type { HttpPlugin } from '../platform/http/server.ts';
import * as territory from './territory.service.ts';

const Names = z.object({ 'uz-Latn': z.string(), 'uz-Cyrl': z.string(), ru: z.string(), en: z.string() });
const Code = (digits: string) => z.string().regex(new RegExp(`^[0-9]{${digits}}$`));

export const Region = z.object({ code: z.string(), names: Names, population: z.number().int() });
export const District = z.object({
  code: z.string(),
  regionCode: z.string(),
  kind: z.enum(['district', 'city']),
  remote: z.boolean(),
  names: Names,
  population: z.number().int(),
});
export const Mahalla = z.object({
  code: z.string(),
  districtCode: z.string(),
  names: Names,
  population: z.number().int(),
});

export const territoryRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;
  app.get(
    '/api/territory/regions',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['territory'],
        summary: 'The 14 regions',
        response: { 200: z.object({ items: z.array(Region) }) },
      },
    },
    async () => ({ items: await territory.listRegions(db) }),
  );
  app.get(
    '/api/territory/regions/:code/districts',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['territory'],
        summary: "A region's districts and cities",
        params: z.object({ code: Code('4') }),
        response: { 200: z.object({ items: z.array(District) }) },
      },
    },
    async (request) => ({ items: await territory.listDistricts(db, request.params.code) }),
  );
  app.get(
    '/api/territory/districts/:code/mahallas',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['territory'],
        summary: "A district's mahallas",
        params: z.object({ code: Code('7') }),
        response: { 200: z.object({ items: z.array(Mahalla) }) },
      },
    },
    async (request) => ({ items: await territory.listMahallas(db, request.params.code) }),
  );
};
