import { z } from 'zod';
import { authorizeHousehold, purposeFor, scopeFor } from '../../access/access.plugin.ts';
import { findGoverningHouseholdOfPerson as governingHouseholdOf } from '../../access/access.service.ts';
import { Purpose } from '../../access/purposes.ts';
import { auditFromRequest } from '../../audit/audit.service.ts';
import { DomainError } from '../../platform/errors.ts';
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
      config: { access: { action: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: 'Search persons (current members of households within your areas)',
        querystring: ListQuery,
        response: { 200: pageOf(Person) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      const scope = await scopeFor(request, db, 'registry.read');
      const result = await persons.listPersons(db, filters, { page, pageSize }, scope);
      await auditFromRequest(db, request, {
        action: 'search',
        resourceType: 'person',
        subjectPersonIds: result.items.map((p) => p.id),
        fields: ['list'],
      });
      return result;
    },
  );
  app.get(
    '/api/persons/:id',
    {
      config: { access: { action: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: 'A person with their household periods and data corrections',
        description:
          'Readable within the areas of the current household (a citizen: themselves and the members of their ' +
          'household); staff outside their worklist state a purpose as for a household.',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ purpose: Purpose.optional() }),
        response: { 200: PersonView },
      },
    },
    async (request) => {
      const { id } = request.params;
      const householdId = await governingHouseholdOf(db, id);
      // A person in no household at all: only for roles that reach the whole registry.
      if (householdId === undefined) {
        const scope = await scopeFor(request, db, 'registry.read');
        if (scope.kind !== 'all') {
          await persons.getPersonView(db, id); // 404 for no such person
          throw new DomainError('FORBIDDEN');
        }
      }
      const place = householdId
        ? await authorizeHousehold(request, db, 'registry.read', householdId, id)
        : null;
      const purpose = householdId && place ? await purposeFor(request, db, householdId, place) : null;
      const view = await persons.getPersonView(db, id);
      await auditFromRequest(db, request, {
        action: 'read',
        resourceType: 'person',
        resourceId: id,
        purpose,
        subjectPersonIds: [id],
        subjectHouseholdIds: householdId ? [householdId] : [],
        fields: ['personal_data', 'memberships', 'history'],
      });
      return view;
    },
  );
};
