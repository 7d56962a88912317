import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACHINE_SCOPES } from '../../src/access/policies.ts';
import { createMachineClient } from '../../src/identity/machine.service.ts';
import type { HttpPlugin } from '../../src/platform/http/server.ts';
import { makePinfl } from '../../src/registry/pinfl.ts';
import { Random } from '../../src/shared/random.ts';
import { buildWorld, MONTH, type World } from '../authz/fixtures.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import {
  BAD_AUTHORIZATION,
  BAD_HEADERS,
  HOSTILE_KEYS,
  HOSTILE_NUMBERS,
  HOSTILE_TEXT,
  HOSTILE_URL_TEXT,
  type Hostile,
  WRONG_TYPES,
} from './hostile-values.ts';
import { unboundedIn } from './schema-bounds.ts';
import {
  type Hints,
  type JsonPath,
  type JsonSchema,
  objectsOf,
  positionsOf,
  replaceAt,
  sampleValue,
  valueAt,
} from './schema-sample.ts';

/**
 * Hostile input to every operation (docs/ARCHITECTURE.md, Errors): generated from the live /openapi.json
 * of the test app, plus the routes the document hides. Each operation is called as an anonymous caller, a
 * citizen, a staff member holding every staff role and a machine client holding every scope; first with a
 * plausible request (real ids of the test world), then with one hostile value at a time in each of its
 * path parameters, query parameters, body positions and headers. Any 5xx fails the test, listed with what
 * was sent. Seeded: FUZZ_SEED=<n> replays a run (the seed is printed).
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20_260_310);
/**
 * Random extra mutants per operation and context that reaches the handler (besides two per position);
 * FUZZ_EXTRA=<n> digs deeper on a local run.
 */
const EXTRA_MUTANTS = Number(process.env.FUZZ_EXTRA ?? 6);
/** Plausible requests drawn per operation and context before giving up on reaching the handler. */
const BASELINE_ATTEMPTS = 4;
/** Mutants per operation and context that the access rules refuse before validation. */
const REFUSED_MUTANTS = 2;

/**
 * Without web/dist (a run of this file alone, before `npm run build`; `npm test` builds first) the page
 * routes answer 503 "the web app is not built" by design: that one answer is the checkout's, not input's.
 */
const WEB_NOT_BUILT = !existsSync(resolve(import.meta.dirname, '../../web/dist/index.html'));

type ContextName = 'anonymous' | 'citizen' | 'staff' | 'machine';
const CONTEXTS: readonly ContextName[] = ['anonymous', 'citizen', 'staff', 'machine'];

interface Parameter {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  /** OpenAPI template: /api/households/{id}. */
  path: string;
  parameters: Parameter[];
  body?: JsonSchema;
  /** Also accepts application/x-www-form-urlencoded (sign-in, token endpoints). */
  form?: boolean;
  documented: boolean;
}

interface Request {
  context: ContextName;
  operation: Operation;
  /** What is hostile in it ('baseline' for the plausible request). */
  what: string;
  pathValues: Record<string, string>;
  /** Raw query string parts, already encoded. */
  query: string[];
  body?: unknown;
  /** A form body, already encoded (instead of `body`). */
  formBody?: string;
  headers: Record<string, string>;
}

interface Outcome {
  request: Request;
  status: number;
  code: string;
  reached: boolean;
  body: string;
}

/** Routes the document leaves out, with what they read (so they get plausible requests too). */
const HIDDEN_OPERATIONS: readonly Omit<Operation, 'documented'>[] = [
  {
    method: 'POST',
    path: '/auth/token',
    parameters: [],
    form: true,
    body: {
      type: 'object',
      required: ['grant_type', 'client_id', 'client_secret'],
      properties: {
        grant_type: { enum: ['client_credentials'] },
        client_id: { type: 'string' },
        client_secret: { type: 'string' },
        scope: { type: 'string' },
      },
    },
  },
  {
    method: 'GET',
    path: '/demo-idp/authorize',
    parameters: [
      'response_type',
      'client_id',
      'redirect_uri',
      'scope',
      'state',
      'nonce',
      'code_challenge',
    ].map((name) => ({ name, in: 'query' as const, required: true, schema: { type: 'string' } })),
  },
  {
    method: 'POST',
    path: '/demo-idp/authorize',
    parameters: [],
    form: true,
    body: {
      type: 'object',
      required: ['response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'code_challenge', 'pinfl'],
      properties: Object.fromEntries(
        [
          'response_type',
          'client_id',
          'redirect_uri',
          'scope',
          'state',
          'nonce',
          'code_challenge',
          'code_challenge_method',
          'pinfl',
        ].map((k) => [k, { type: 'string' }]),
      ),
    },
  },
  {
    method: 'POST',
    path: '/demo-idp/token',
    parameters: [],
    form: true,
    body: {
      type: 'object',
      required: ['grant_type', 'code', 'code_verifier', 'redirect_uri', 'client_id', 'client_secret'],
      properties: Object.fromEntries(
        ['grant_type', 'code', 'code_verifier', 'redirect_uri', 'client_id', 'client_secret'].map((k) => [
          k,
          { type: 'string' },
        ]),
      ),
    },
  },
];

/** Operations that end or replace the caller's session: sent without one, so the other requests keep theirs. */
const SESSION_ENDING = new Set(['POST /auth/logout', 'POST /auth/login']);

const encodeUrl = (text: string) => encodeURIComponent(text);
const keyOf = (op: { method: string; path: string }) => `${op.method} ${op.path}`;
const NUL_IN_URL: Hostile = { label: 'NUL inside', value: 'a%00b' };
const NUL_IN_TEXT: Hostile = { label: 'NUL inside text', value: 'ab\u0000cd' };

describe('hostile input to every operation (generated from /openapi.json)', () => {
  let t: TestApp;
  let world: World;
  let headPinfl: string;
  let auditSeq: number;
  let consentId: string;
  const contexts = {} as Record<ContextName, Record<string, string>>;
  const reached = new Set<string>();
  const routes: { method: string; url: string }[] = [];

  /** Sees every route (hidden ones too) and which requests got past parsing and validation. */
  const probe: HttpPlugin = (app) => {
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push({ method, url: route.url });
    });
    app.addHook('preHandler', async (request) => {
      const id = request.headers['x-fuzz-id'];
      if (typeof id === 'string') reached.add(id);
    });
  };

  beforeAll(async () => {
    t = await createTestApp({ first: [probe] });
    // As the server does (without working them): routes that queue or look up jobs need pg-boss's tables.
    await t.jobs.start({ work: false });
    world = await buildWorld(t);
    const head = await t.database.db
      .selectFrom('person')
      .select('pinfl')
      .where('id', '=', world.inside.headId)
      .executeTakeFirstOrThrow();
    headPinfl = head.pinfl ?? '';
    // Every scope a client can hold (each the action it grants), with a callback URI of its own.
    await createMachineClient(t.database.db, {
      clientId: 'fuzz-machine',
      secret: 'fuzz-machine-secret',
      agency: 'civil_registry',
      scopes: [...MACHINE_SCOPES],
      area: { kind: 'region', code: '1733' },
      callbackUris: ['https://partner.example/'],
    });
    const token = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: 'fuzz-machine',
        client_secret: 'fuzz-machine-secret',
      },
    });
    expect(token.statusCode, token.body).toBe(200);
    contexts.anonymous = {};
    contexts.citizen = world.actors.citizen ?? {};
    contexts.staff = { ...(await t.staff('fuzz-staff')), 'x-himoya-purpose': 'casework' };
    contexts.machine = { authorization: `Bearer ${token.json<{ access_token: string }>().access_token}` };
    // Something of the citizen's own to complain about and to withdraw.
    const log = await t.app.inject({ method: 'GET', url: '/api/me/access-log', headers: contexts.citizen });
    auditSeq = log.json<{ items: { seq: number }[] }>().items[0]?.seq ?? 1;
    const consent = await t.app.inject({
      method: 'POST',
      url: '/api/me/consents',
      headers: contexts.citizen,
      payload: { kind: 'proactive_offers', counterpart: '*', granted: true },
    });
    consentId = consent.json<{ id?: string }>().id ?? randomUUID();
  }, 180_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  /** Real values of the test world, by property or parameter name. */
  const hints = (): Hints => ({
    householdId: () => world.inside.householdId,
    sourceHouseholdId: () => world.inside.householdId,
    personId: (r) => r.pick([world.inside.headId, world.inside.childId]),
    keepPersonId: () => world.inside.headId,
    newHeadPersonId: () => world.inside.childId,
    remainingHeadPersonId: () => world.inside.headId,
    personIds: () => [world.inside.childId],
    decisionId: () => world.inside.decisionId,
    applicationId: () => world.inside.applicationId,
    mahallaCode: () => world.mahallaA,
    districtCode: () => world.districtA,
    pinfl: () => headPinfl,
    // Mostly the world's month; sometimes one the rules do not cover, or the edge of the accepted years.
    month: (r) => (r.chance(0.7) ? MONTH : r.pick(['2025-06', '1999-12', '2100-12'])),
    untilMonth: (r) => r.pick(['2026-06', '2026-03', '2100-12']),
    phone: () => '+998901234567',
    actorId: () => 'staff:fuzz-staff',
    // DCI: the client's own id, a query the parser understands, a known registry.
    sender_id: () => 'fuzz-machine',
    sender_uri: () => 'https://partner.example/dci/on-search',
    callbackUrl: () => 'https://partner.example/intake',
    query_type: (r) => r.pick(['expression', 'predicate', 'idtype-value']),
    // One query of each type the parser reads (a type and a query drawn apart sometimes disagree: so be it).
    query: (r) =>
      r.pick([
        { mahalla_code: world.mahallaA },
        [
          {
            expression1: { attribute_name: 'mahalla_code', operator: 'eq', attribute_value: world.mahallaA },
          },
        ],
        { type: 'UIN', value: headPinfl },
      ]),
    filter: () => ({ mahalla_code: world.mahallaA }),
    total_count: () => 1,
    // A civil registry event (the machine client's agency), so that pushed events reach validation, the
    // COPY into staging and the apply step, where hostile values would do harm.
    events: (r) => [
      {
        id: `fuzz-${r.uuid()}`,
        type: 'death',
        date: '2026-03-02',
        pinfl: makePinfl('1950-01-01', 'M', '733', r.int(500, 999)),
      },
    ],
    client_id: () => 'fuzz-machine',
    client_secret: () => 'fuzz-machine-secret',
  });

  const pathValue = (op: Operation, name: string, random: Random): string => {
    const segment = op.path.split('/')[2] ?? '';
    const ids: Record<string, string | number> = {
      households: world.inside.householdId,
      persons: world.inside.headId,
      'change-requests': world.inside.changeRequestId,
      overrides: world.inside.pendingOverrideId,
      appeals: world.inside.appealId,
      applications: world.inside.applicationId,
      cases: world.inside.caseId,
      decisions: world.inside.decisionId,
      duplicates: world.inside.duplicateId,
      evaluations: world.evaluationRunId,
    };
    if (name === 'id' && op.path.includes('/consents/')) return consentId;
    // Payment batches and holds are numbered; none exists in this world, so a handler answers 404.
    if (name === 'id' && op.path.startsWith('/api/payments/batches/')) return String(random.int(1, 1000));
    if (name === 'holdId') return String(random.int(1, 1000));
    if (name === 'id' && Object.hasOwn(ids, segment)) return String(ids[segment]);
    if (name === 'id') return random.uuid();
    if (name === 'decisionId') return String(world.inside.decisionId);
    if (name === 'seq') return String(auditSeq);
    if (name === 'agency') return random.chance(0.8) ? 'civil_registry' : random.pick(['tax', 'medical']);
    if (name === 'code') return op.path.includes('/regions/') ? '1733' : world.districtA;
    if (name === 'jobId') return random.uuid();
    if (name === '*') return random.pick(['citizen', 'index.html', 'assets/x.js', 'docs']);
    return 'x';
  };

  /** Operations of the document, and every other route the app registered (HEAD aside). */
  const operationsOf = (doc: OpenApiDocument): Operation[] => {
    const out: Operation[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const upper = method.toUpperCase();
        const known = HIDDEN_OPERATIONS.find((h) => h.method === upper && h.path === path);
        out.push({
          method: upper,
          path,
          parameters: (op.parameters ?? []).filter(
            (p): p is Parameter => p.in === 'path' || p.in === 'query',
          ),
          body: op.requestBody?.content?.['application/json']?.schema ?? known?.body,
          form: known?.form ?? path === '/auth/login',
          documented: true,
        });
      }
    }
    const seen = new Set(out.map(keyOf));
    for (const route of routes) {
      if (route.method === 'HEAD') continue;
      const path = route.url.replace(/:(\w+)/g, '{$1}').replace(/\*$/, '{*}');
      if (seen.has(keyOf({ method: route.method, path }))) continue;
      seen.add(keyOf({ method: route.method, path }));
      const known = HIDDEN_OPERATIONS.find((h) => h.method === route.method && h.path === path);
      const wildcard: Parameter[] = path.includes('{*}')
        ? [{ name: '*', in: 'path', required: true, schema: { type: 'string' } }]
        : [];
      out.push({
        ...(known ?? { method: route.method, path, parameters: [] }),
        parameters: [...(known?.parameters ?? []), ...wildcard],
        documented: false,
      });
    }
    return out;
  };

  const baseline = (op: Operation, context: ContextName, random: Random): Request => {
    const h = hints();
    const pathValues: Record<string, string> = {};
    const query: string[] = [];
    for (const p of op.parameters) {
      if (p.in === 'path') pathValues[p.name] = encodeUrl(pathValue(op, p.name, random));
      else if (p.required || random.chance(0.5)) {
        const value = sampleValue(p.schema, random, h, p.name);
        if (value !== undefined) query.push(`${encodeUrl(p.name)}=${encodeUrl(String(value))}`);
      }
    }
    const body = op.body ? sampleValue(op.body, random, h) : op.method === 'POST' ? {} : undefined;
    return { context, operation: op, what: 'baseline', pathValues, query, body, headers: {} };
  };

  /**
   * Two requests per position of the baseline: one with NUL in it (every text field of finding 6), one
   * with a hostile value drawn for what stands there.
   */
  const positionMutants = (base: Request, random: Random): Request[] => {
    const out: Request[] = [];
    for (const name of Object.keys(base.pathValues)) {
      for (const h of [NUL_IN_URL, random.pick(HOSTILE_URL_TEXT)]) {
        out.push({
          ...base,
          what: `path ${name} = ${h.label}`,
          pathValues: { ...base.pathValues, [name]: String(h.value) },
        });
      }
    }
    for (const p of base.operation.parameters.filter((q) => q.in === 'query')) {
      const rest = base.query.filter((q) => !q.startsWith(`${encodeUrl(p.name)}=`));
      for (const h of [NUL_IN_URL, random.pick(HOSTILE_URL_TEXT)]) {
        out.push({
          ...base,
          what: `query ${p.name} = ${h.label}`,
          query: [...rest, `${encodeUrl(p.name)}=${h.value}`],
        });
      }
    }
    if (base.body !== undefined) {
      for (const path of positionsOf(base.body)) {
        const current = valueAt(base.body, path);
        const values =
          typeof current === 'string'
            ? [NUL_IN_TEXT, hostileFor(current, random)]
            : [hostileFor(current, random), random.pick(WRONG_TYPES)];
        for (const h of values) {
          out.push({
            ...base,
            what: `body ${pointer(path)} = ${h.label}`,
            body: replaceAt(base.body, path, h.value),
          });
        }
      }
    }
    return out;
  };

  /** Random mutants: a hostile value anywhere, extra keys, duplicated parameters, headers, forms. */
  const extraMutant = (base: Request, random: Random): Request => {
    const op = base.operation;
    const kinds = ['header', 'query-extra', 'query-duplicate'];
    if (base.body !== undefined) kinds.push('body-key', 'body-key', 'body-root', 'body-text');
    if (op.form) kinds.push('form', 'form');
    if (Object.keys(base.pathValues).length > 0) kinds.push('path');
    switch (random.pick(kinds)) {
      case 'header': {
        if (random.chance(0.5)) {
          const h = random.pick(BAD_AUTHORIZATION);
          return { ...base, what: `authorization: ${h.label}`, headers: { authorization: String(h.value) } };
        }
        const h = random.pick(BAD_HEADERS);
        return { ...base, what: `header: ${h.label}`, headers: h.value as Record<string, string> };
      }
      case 'query-extra': {
        const key = random.pick([...HOSTILE_KEYS, 'a%00b', '%ED%A0%80']);
        const h = random.pick(HOSTILE_URL_TEXT);
        return {
          ...base,
          what: `query key ${key} = ${h.label}`,
          query: [...base.query, `${key}=${h.value}`],
        };
      }
      case 'query-duplicate': {
        const p = base.operation.parameters.find((q) => q.in === 'query');
        const name = p ? encodeUrl(p.name) : 'name';
        return {
          ...base,
          what: `query ${name} given twice`,
          query: [...base.query, `${name}=a`, `${name}=b`],
        };
      }
      case 'body-key': {
        const targets = objectsOf(base.body);
        if (targets.length === 0)
          return {
            ...base,
            what: 'body root = object with __proto__',
            body: JSON.parse('{"__proto__":{"x":1}}'),
          };
        const at = random.pick(targets);
        const key = random.pick(HOSTILE_KEYS);
        const value = random.pick([...WRONG_TYPES, ...HOSTILE_TEXT.slice(0, 3)]);
        return {
          ...base,
          what: `body ${pointer(at)} gets key ${key} = ${value.label}`,
          body: replaceAt(base.body, at, value.value, key),
        };
      }
      case 'body-root': {
        const h = random.pick([...WRONG_TYPES, ...HOSTILE_TEXT.slice(0, 6)]);
        return { ...base, what: `body = ${h.label}`, body: h.value };
      }
      case 'body-text': {
        const texts = positionsOf(base.body).filter((p) => typeof valueAt(base.body, p) === 'string');
        const at = texts.length > 0 ? random.pick(texts) : [];
        const h = random.pick(HOSTILE_TEXT);
        return { ...base, what: `body ${pointer(at)} = ${h.label}`, body: replaceAt(base.body, at, h.value) };
      }
      case 'form': {
        const fields = Object.entries((base.body ?? {}) as Record<string, unknown>).map(([k, v]) => [
          k,
          String(v),
        ]);
        const target = fields.length > 0 ? random.int(0, fields.length - 1) : -1;
        const h = random.pick(HOSTILE_URL_TEXT);
        const encoded = fields.map(
          ([k, v], i) => `${encodeUrl(k ?? '')}=${i === target ? h.value : encodeUrl(v ?? '')}`,
        );
        return {
          ...base,
          what: `form field ${fields[target]?.[0] ?? '(none)'} = ${h.label}`,
          body: undefined,
          formBody: encoded.join('&'),
        };
      }
      default: {
        const names = Object.keys(base.pathValues);
        const name = random.pick(names);
        const h = random.pick(HOSTILE_URL_TEXT);
        return {
          ...base,
          what: `path ${name} = ${h.label}`,
          pathValues: { ...base.pathValues, [name]: String(h.value) },
        };
      }
    }
  };

  let counter = 0;
  const send = async (request: Request): Promise<Outcome> => {
    counter += 1;
    const fuzzId = `fuzz-${counter}`;
    const url =
      request.operation.path.replace(/\{([^}]+)\}/g, (_m, name: string) => request.pathValues[name] ?? 'x') +
      (request.query.length > 0 ? `?${request.query.join('&')}` : '');
    const options: InjectOptions = {
      method: request.operation.method as InjectOptions['method'],
      url,
      headers: { ...contexts[request.context], ...request.headers, 'x-fuzz-id': fuzzId },
    };
    if (request.formBody !== undefined) {
      options.payload = request.formBody;
      options.headers = { ...options.headers, 'content-type': 'application/x-www-form-urlencoded' };
    } else if (request.body !== undefined) {
      options.payload = JSON.stringify(request.body);
      options.headers = { 'content-type': 'application/json', ...options.headers };
    }
    const response: LightMyRequestResponse = await t.app.inject(options);
    let code = '';
    try {
      const parsed = response.json<{ error?: { code?: string } | string }>();
      code = typeof parsed.error === 'string' ? parsed.error : (parsed.error?.code ?? '');
    } catch {
      code = '';
    }
    return {
      request,
      status: response.statusCode,
      code,
      reached: reached.has(fuzzId),
      body: response.body.slice(0, 300),
    };
  };

  it('bounds every string, number and array a request may carry', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApiDocument>();
    const unbounded: string[] = [];
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const p of op.parameters ?? []) {
          if (p.in === 'path' || p.in === 'query')
            unboundedIn(p.schema, `${where} ${p.in} ${p.name}`, unbounded);
        }
        const body = op.requestBody?.content?.['application/json']?.schema;
        if (body) unboundedIn(body, `${where} body`, unbounded);
      }
    }
    expect(unbounded).toEqual([]);
  });

  it('answers every hostile request with a 2xx, 3xx or 4xx, and reaches the handlers', async () => {
    const started = Date.now();
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json<OpenApiDocument>();
    const operations = operationsOf(doc);
    const random = new Random(SEED);
    const outcomes: Outcome[] = [];
    for (const op of operations) {
      for (const context of CONTEXTS) {
        if (SESSION_ENDING.has(keyOf(op)) && context !== 'anonymous' && context !== 'machine') continue;
        // A plausible request, drawn again while the schema refuses it (a drawn month after its untilMonth).
        let base = baseline(op, context, random);
        let first = await send(base);
        for (
          let attempt = 1;
          attempt < BASELINE_ATTEMPTS && !first.reached && first.code === 'VALIDATION_FAILED';
          attempt++
        ) {
          outcomes.push(first);
          base = baseline(op, context, random);
          first = await send(base);
        }
        outcomes.push(first);
        const mutants = first.reached
          ? [
              ...positionMutants(base, random),
              ...Array.from({ length: EXTRA_MUTANTS }, () => extraMutant(base, random)),
            ]
          : Array.from({ length: REFUSED_MUTANTS }, () => extraMutant(base, random));
        for (const mutant of mutants) outcomes.push(await send(withFreshIds(base, mutant, random)));
      }
    }
    // Every malformed client authentication on both token endpoints, as the only credentials given.
    for (const path of ['/auth/token', '/demo-idp/token']) {
      const op = operations.find((o) => o.method === 'POST' && o.path === path);
      if (!op) continue;
      for (const h of BAD_AUTHORIZATION) {
        const body = { grant_type: path === '/auth/token' ? 'client_credentials' : 'authorization_code' };
        outcomes.push(
          await send({
            ...baseline(op, 'anonymous', random),
            what: `authorization: ${h.label}`,
            body,
            headers: { authorization: String(h.value) },
          }),
        );
      }
    }
    const seconds = (Date.now() - started) / 1000;
    // FUZZ_TRACE='POST /api/appeals' prints what that operation answered, request by request.
    const trace = process.env.FUZZ_TRACE;
    if (trace) {
      for (const o of outcomes.filter((x) => keyOf(x.request.operation) === trace))
        console.log(
          `${o.status} ${o.code} ${o.request.context} ${o.request.what}${o.reached ? ' (handler)' : ''}`,
        );
    }

    const byStatus = new Map<string, number>();
    for (const o of outcomes) {
      const key = `${o.status}${o.code ? ` ${o.code}` : ''}`;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    const reachedCount = outcomes.filter((o) => o.reached).length;
    console.log(
      `fuzz seed ${SEED}: ${outcomes.length} requests over ${operations.length} operations in ${seconds.toFixed(1)} s; ` +
        `${reachedCount} reached a handler.\n` +
        [...byStatus.entries()]
          .sort()
          .map(([k, n]) => `  ${k}: ${n}`)
          .join('\n'),
    );

    const failures = outcomes
      .filter((o) => o.status >= 500 && !(WEB_NOT_BUILT && o.status === 503 && o.body.includes('not built')))
      .map(
        (o) =>
          `${o.status} ${o.request.context} ${keyOf(o.request.operation)}: ${o.request.what} → ${o.body}`,
      );
    expect.soft(failures, `seed ${SEED}: ${failures.length} answers of 5xx`).toEqual([]);

    // Not vacuous: every documented operation got past validation at least once, and most requests that
    // the access rules let through were judged by a handler, not by a parser.
    const neverReached = operations
      .filter((op) => op.documented && !outcomes.some((o) => o.reached && o.request.operation === op))
      .map(keyOf);
    expect.soft(neverReached, 'operations whose handler no request reached').toEqual([]);
    expect(reachedCount / outcomes.length).toBeGreaterThan(0.25);
    expect(outcomes.filter((o) => o.status >= 200 && o.status < 300).length).toBeGreaterThan(100);
    // The sessions survived the run, so the counts above are about signed-in callers.
    for (const context of ['citizen', 'staff', 'machine'] as const) {
      const session = await t.app.inject({ method: 'GET', url: '/auth/session', headers: contexts[context] });
      expect(session.json<{ actor: { kind: string } }>().actor.kind).toBe(
        context === 'staff' ? 'staff' : context,
      );
    }
  }, 300_000);
});

/** Client-made ids and DCI transaction ids make writes idempotent: a mutant reusing them would be a replay. */
const FRESH_KEYS = new Set(['id', 'transaction_id', 'message_id']);

function withFreshIds(base: Request, mutant: Request, random: Random): Request {
  if (mutant.body === undefined || base.body === undefined) return mutant;
  let body: unknown = mutant.body;
  for (const path of positionsOf(base.body)) {
    const key = path[path.length - 1];
    const before = valueAt(base.body, path);
    if (typeof key !== 'string' || !FRESH_KEYS.has(key) || typeof before !== 'string') continue;
    if (valueAt(body, path) !== before) continue;
    body = replaceAt(body, path, /^[0-9a-f-]{36}$/.test(before) ? random.uuid() : `fuzz-${random.uuid()}`);
  }
  return { ...mutant, body };
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

interface OpenApiOperation {
  parameters?: (Parameter | { in: 'header' | 'cookie'; name: string })[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}

const pointer = (path: JsonPath) => `/${path.join('/')}`;

/** A hostile value suited to what stood there: text for text, numbers for numbers, wrong types anywhere. */
function hostileFor(current: unknown, random: Random): Hostile {
  if (typeof current === 'string')
    return random.chance(0.85) ? random.pick(HOSTILE_TEXT) : random.pick(WRONG_TYPES);
  if (typeof current === 'number')
    return random.chance(0.7) ? random.pick(HOSTILE_NUMBERS) : random.pick(WRONG_TYPES);
  if (current !== null && typeof current === 'object')
    return random.chance(0.5) ? random.pick(WRONG_TYPES) : random.pick(HOSTILE_TEXT);
  return random.pick([...WRONG_TYPES, ...HOSTILE_TEXT]);
}
