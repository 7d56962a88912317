import { z } from 'zod';
import { actorOf } from '../../platform/http/actor.ts';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';
import type { HttpPlugin } from '../../platform/http/server.ts';
import { IsoDate, NewPersonInput, Pinfl, Relationship } from '../persons/person.schemas.ts';
import * as households from './household.service.ts';

const Source = z.string().describe('Where the fact came from (agency or social worker)');

export const HouseholdListItem = z.object({
  id: z.uuid(),
  districtCode: z.string(),
  mahallaCode: z.string(),
  address: z.string(),
  createdOn: z.string(),
  dissolvedOn: z.string().nullable(),
  memberCount: z.number().int(),
  head: z
    .object({ personId: z.uuid(), lastName: z.string().nullable(), firstName: z.string().nullable() })
    .nullable(),
});

export const HouseholdView = z.object({
  id: z.uuid(),
  districtCode: z.string(),
  mahallaCode: z.string(),
  address: z.string(),
  createdOn: z.string(),
  dissolvedOn: z.string().nullable(),
  source: Source,
  asOf: z.string().describe('The date the member list is for'),
  members: z.array(
    z.object({
      personId: z.uuid(),
      relationship: Relationship,
      since: z.string(),
      pinfl: z.string().nullable(),
      lastName: z.string(),
      firstName: z.string(),
      patronymic: z.string().nullable(),
      sex: z.enum(['M', 'F']),
      birthDate: z.string(),
      deathDate: z.string().nullable(),
      education: z.string(),
      employment: z.string(),
      source: Source,
      membershipSource: Source,
    }),
  ),
  history: z.array(
    z.object({
      personId: z.uuid(),
      name: z.string(),
      relationship: Relationship,
      validFrom: z.string(),
      validTo: z.string().nullable().describe('Exclusive end; null while the period is open'),
      source: Source,
      changeRequestId: z.string().nullable(),
    }),
  ),
  facts: z.object({
    incomes: z.array(
      z.object({
        personId: z.uuid(),
        kind: z.string(),
        monthlyAmount: z.number(),
        validFrom: z.string(),
        validTo: z.string().nullable(),
        source: Source,
      }),
    ),
    dwellings: z.array(
      z.object({
        ownerPersonId: z.string().nullable(),
        cadastreNumber: z.string(),
        kind: z.string(),
        areaM2: z.number(),
        source: Source,
      }),
    ),
    vehicles: z.array(
      z.object({
        ownerPersonId: z.uuid(),
        plate: z.string(),
        make: z.string(),
        modelYear: z.number(),
        source: Source,
      }),
    ),
    bankDeposits: z.array(
      z.object({ personId: z.uuid(), balance: z.number(), asOf: z.string(), source: Source }),
    ),
    disabilities: z.array(
      z.object({
        personId: z.uuid(),
        group: z.string(),
        validFrom: z.string(),
        validTo: z.string().nullable(),
        source: Source,
      }),
    ),
  }),
});

export const NewHousehold = z.object({
  id: z.uuid().describe('Client-made id; retrying with the same id creates nothing new'),
  mahallaCode: z.string().regex(/^[0-9]{10}$/, 'mahalla code is 10 digits'),
  address: z.string().trim().min(1).max(300),
  createdOn: IsoDate,
  head: z.union([z.object({ personId: z.uuid() }).strict(), NewPersonInput]),
  source: z.string().min(1).max(40).default('social_worker'),
});

const ListQuery = PageQuery.extend({
  districtCode: z
    .string()
    .regex(/^[0-9]{7}$/)
    .optional(),
  mahallaCode: z
    .string()
    .regex(/^[0-9]{10}$/)
    .optional(),
  name: z
    .string()
    .trim()
    .min(2)
    .max(100)
    .optional()
    .describe('Prefix of a current member’s last or first name'),
  pinfl: Pinfl.optional().describe('Households with this current member'),
  includeDissolved: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

export const householdRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;
  app.get(
    '/api/households',
    {
      schema: {
        tags: ['registry'],
        summary: 'Search households',
        querystring: ListQuery,
        response: { 200: pageOf(HouseholdListItem) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      return households.listHouseholds(db, filters, { page, pageSize });
    },
  );

  app.get(
    '/api/households/:id',
    {
      schema: {
        tags: ['registry'],
        summary: 'A household: members on a date, membership history and the source of every fact',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ date: IsoDate.optional().describe('Members on this date; default today') }),
        response: { 200: HouseholdView },
      },
    },
    async (request) => households.getHouseholdView(db, request.params.id, request.query.date),
  );

  app.post(
    '/api/households',
    {
      schema: {
        tags: ['registry'],
        summary: 'Register a new household with its head',
        body: NewHousehold,
        response: { 200: HouseholdView, 201: HouseholdView },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await households.createHousehold(db, { ...body, source: body.source });
      request.log.info(
        { householdId: result.id, actor: actorOf(request), created: result.created },
        'household registered',
      );
      const view = await households.getHouseholdView(db, result.id, body.createdOn);
      return reply.status(result.created ? 201 : 200).send(view);
    },
  );
};
