import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  actorIn,
  authorizeExistingHousehold,
  authorizeHousehold,
  authorizeLoadedHousehold,
  authorizeMahalla,
  authorizePersonJoining,
  mayOnHousehold,
  PURPOSE_HEADER,
  purposeFor,
  recordPlaceColumns,
  scopeFor,
} from '../../access/access.plugin.ts';
import { mayEver, type Place } from '../../access/policies.ts';
import { Purpose } from '../../access/purposes.ts';
import { HouseholdAccess, householdAccess } from '../../access/screen-access.ts';
import { auditFromRequest } from '../../audit/audit.service.ts';
import { readDbOf } from '../../platform/context.ts';
import { DomainError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';
import type { HttpPlugin } from '../../platform/http/server.ts';
import { csvDocument } from '../../shared/csv.ts';
import { IsoDate, NewPersonInput, Pinfl, Relationship } from '../persons/person.schemas.ts';
import * as households from './household.service.ts';

const Source = z.string().describe('Where the fact came from (agency or social worker)');

const Reference = z.string().describe('Short human reference, H-<year>-<number>; shown instead of the id');

export const HouseholdListItem = z.object({
  id: z.uuid(),
  reference: Reference,
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
  reference: Reference,
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

/** The record as the staff screen opens it: the view, and what the screen may offer on it. */
export const HouseholdRecord = HouseholdView.extend(HouseholdAccess.shape);

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
  q: z
    .string()
    .trim()
    .min(2)
    .max(100)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters')
    .optional()
    .describe(
      'Anything that finds a household: PINFL, phone, vehicle plate, cadastre number, ' +
        'H-/A- reference, or any part of a current member’s name in Latin or Cyrillic; ranked',
    ),
  includeDissolved: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});

const MAX_EXPORT_ROWS = 100_000;

/** Sections of the household view, as the audit log names what was read. */
const VIEW_SECTIONS = ['members', 'history', 'incomes', 'dwellings', 'vehicles', 'bank_deposits'];
const withHealth = (sections: string[], disabilities: readonly unknown[]) =>
  disabilities.length > 0 ? [...sections, 'disability'] : sections;

export const householdRoutes: HttpPlugin = (app, ctx) => {
  const { db } = ctx.database;
  // The list and its CSV read from the replica when there is one (docs/DEPLOYMENT.md); their audit rows,
  // like every write, go to the primary in the same request.
  const readDb = readDbOf(ctx);

  const mayEverSeeHealth = (request: FastifyRequest) => {
    const actor = actorIn(request);
    return actor.kind === 'citizen' || mayEver(actor, 'health.read');
  };

  /** The health data of a view the actor may see: a citizen their own, staff with a disability role all. */
  const healthShown = async <T extends { personId: string }>(
    request: FastifyRequest,
    householdId: string,
    place: Place,
    disabilities: T[],
  ): Promise<T[]> => {
    const actor = actorIn(request);
    const health = await mayOnHousehold(request, db, 'health.read', householdId, place);
    return disabilities.filter((d) => (actor.kind === 'citizen' ? d.personId === actor.personId : health));
  };
  app.get(
    '/api/households',
    {
      config: { access: { action: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: 'Search households (within your areas)',
        querystring: ListQuery,
        response: { 200: pageOf(HouseholdListItem) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      const scope = await scopeFor(request, db, 'registry.read');
      const result = await households.listHouseholds(readDb, filters, { page, pageSize }, scope);
      await auditFromRequest(db, request, {
        action: 'search',
        resourceType: 'household',
        subjectHouseholdIds: result.items.map((h) => h.id),
        fields: ['list'],
      });
      return result;
    },
  );

  app.get(
    '/api/households/export.csv',
    {
      config: { access: { action: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: `The household search as CSV (within your areas; at most ${MAX_EXPORT_ROWS} rows)`,
        querystring: ListQuery.omit({ page: true, pageSize: true }),
      },
    },
    async (request, reply) => {
      const scope = await scopeFor(request, db, 'registry.read');
      const result = await households.listHouseholds(
        readDb,
        request.query,
        { page: 1, pageSize: MAX_EXPORT_ROWS },
        scope,
      );
      await auditFromRequest(db, request, {
        action: 'export',
        resourceType: 'household',
        subjectHouseholdIds: result.items.map((h) => h.id),
        fields: ['list'],
      });
      const header = [
        'id',
        'district_code',
        'mahalla_code',
        'address',
        'members',
        'head_last_name',
        'head_first_name',
      ];
      const rows = result.items.map((h) => [
        h.id,
        h.districtCode,
        h.mahallaCode,
        h.address,
        h.memberCount,
        h.head?.lastName,
        h.head?.firstName,
      ]);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="households.csv"')
        .header('x-total-count', String(result.total))
        .send(csvDocument(header, rows));
    },
  );

  app.get(
    '/api/households/:id',
    {
      config: { access: { action: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: 'A household: members on a date, membership history and the source of every fact',
        description:
          'Health data (disability) is shown to disability roles, and to each person for themselves. Staff ' +
          `opening a household outside their worklist state a purpose in the \`${PURPOSE_HEADER}\` header or ` +
          'the `purpose` query parameter (403 PURPOSE_REQUIRED otherwise).',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({
          date: IsoDate.optional().describe('Members on this date; default today'),
          purpose: Purpose.optional(),
        }),
        response: { 200: HouseholdRecord },
      },
    },
    async (request) => {
      const { id } = request.params;
      // Loaded with where it is in one statement, then authorised: nothing is answered before the check.
      const loaded = await households.loadHouseholdView(db, id, request.query.date, {
        placeColumns: recordPlaceColumns(request, 'h'),
        // Health data is not even read for a reader no role of theirs lets see it (a citizen sees their own).
        health: mayEverSeeHealth(request),
      });
      if (!loaded?.place) throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId: id });
      const place = await authorizeLoadedHousehold(request, db, 'registry.read', id, loaded.place);
      const purpose = await purposeFor(request, db, id, place);
      const access = await householdAccess(request, db, id, place);
      const { view } = loaded;
      const disabilities = await healthShown(request, id, place, view.facts.disabilities);
      await auditFromRequest(db, request, {
        action: 'read',
        resourceType: 'household',
        resourceId: id,
        purpose,
        subjectHouseholdIds: [id],
        subjectPersonIds: view.members.map((m) => m.personId),
        fields: withHealth(VIEW_SECTIONS, disabilities),
      });
      return { ...view, facts: { ...view.facts, disabilities }, ...access };
    },
  );

  app.get(
    '/api/households/:id/access',
    {
      config: { access: { action: 'registry.read' } },
      schema: {
        tags: ['registry'],
        summary: 'What you may do with a household, and whether opening its record needs a purpose',
        description:
          'Nothing of the family: the screen asks it before opening the record, to show only the controls ' +
          'whose routes will not answer 403, and to ask for a purpose only where one is needed.',
        params: z.object({ id: z.uuid() }),
        response: { 200: HouseholdAccess },
      },
    },
    async (request) => {
      const { id } = request.params;
      const place = await authorizeHousehold(request, db, 'registry.read', id);
      return householdAccess(request, db, id, place);
    },
  );

  app.post(
    '/api/households',
    {
      config: { access: { action: 'change_requests.submit' } },
      schema: {
        tags: ['registry'],
        summary: 'Register a new household with its head (in a mahalla of your areas)',
        body: NewHousehold,
        response: { 200: HouseholdView, 201: HouseholdView },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const place = await authorizeMahalla(request, db, 'change_requests.submit', body.mahallaCode);
      // Authorise what the request touches, not only the mahalla it names: the household an existing id
      // already names (a retry, or someone else's id), and a head taken from another household.
      const existing = await authorizeExistingHousehold(request, db, 'change_requests.submit', body.id);
      if ('personId' in body.head) {
        await authorizePersonJoining(request, db, 'change_requests.submit', body.head.personId);
      }
      const result = await households.createHousehold(db, { ...body, source: body.source });
      const view = await households.getHouseholdView(db, result.id, body.createdOn);
      const disabilities = await healthShown(request, result.id, place, view.facts.disabilities);
      await auditFromRequest(db, request, {
        // A retry hands the record back: that is a read of it, recorded like any other.
        action: result.created ? 'create' : 'read',
        resourceType: 'household',
        resourceId: result.id,
        subjectHouseholdIds: [result.id],
        subjectPersonIds: view.members.map((m) => m.personId),
        fields: result.created ? ['members'] : withHealth(VIEW_SECTIONS, disabilities),
      });
      request.log.info(
        { householdId: result.id, actor: actorOf(request), created: result.created, retry: !!existing },
        'household registered',
      );
      return reply
        .status(result.created ? 201 : 200)
        .send({ ...view, facts: { ...view.facts, disabilities } });
    },
  );
};
