import { z } from 'zod';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';
import type { HttpPlugin } from '../../platform/http/server.ts';
import { IsoDate, Pinfl } from './person.schemas.ts';
import * as persons from './person.service.ts';

export const Person = z.object({
  id: z.uuid(),
  pinfl: z.string().nullable(),
  lastName: z.string(),
  firstName: z.string(),
  patronymic: z.string().nullable(),
  sex: z.enum(['M', 'F']),
  birthDate: z.string(),
  deathDate: z.string().nullable(),
  phone: z.string().nullable(),
  education: z.string(),
  employment: z.string(),
  employmentSector: z.string().nullable(),
  source: z.string(),
});

export const PersonView = Person.extend({
  mergedInto: z.string().nullable(),
  memberships: z.array(
    z.object({
      householdId: z.uuid(),
      mahallaCode: z.string(),
      relationship: z.string(),
      validFrom: z.string(),
      validTo: z.string().nullable(),
      source: z.string(),
    }),
  ),
  history: z.array(
    z.object({
      field: z.string(),
      oldValue: z.string().nullable(),
      newValue: z.string().nullable(),
      changeRequestId: z.string().nullable(),
      source: z.string(),
      changedAt: z.string(),
    }),
  ),
});

const ListQuery = PageQuery.extend({
  pinfl: Pinfl.optional(),
  name: z
    .string()
    .trim()
    .min(2)
    .max(100)
    .optional()
    .describe('Prefix of the last or first name, Latin or Cyrillic'),
  birthDate: IsoDate.optional(),
  mahallaCode: z
    .string()
    .regex(/^[0-9]{10}$/)
    .optional(),
  districtCode: z
    .string()
    .regex(/^[0-9]{7}$/)
    .optional(),
});

export const personRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;
  app.get(
    '/api/persons',
    {
      schema: {
        tags: ['registry'],
        summary: 'Search persons',
        querystring: ListQuery,
        response: { 200: pageOf(Person) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      return persons.listPersons(db, filters, { page, pageSize });
    },
  );
  app.get(
    '/api/persons/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'A person with their household periods and data corrections',
        params: z.object({ id: z.uuid() }),
        response: { 200: PersonView },
      },
    },
    async (request) => persons.getPersonView(db, request.params.id),
  );
};
