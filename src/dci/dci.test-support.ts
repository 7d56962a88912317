import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import type { TestApp } from '../../test/support/app.ts';
import { Factory, type PersonBody } from '../../test/support/factories.ts';
import type { Area } from '../access/actor.ts';
import { type CallbackSettings, createMachineClient } from '../identity/machine.service.ts';
import { submitChangeRequest } from '../registry/change-requests/change-request.service.ts';
import { createHousehold } from '../registry/households/household.service.ts';
import { signMessage } from './dci.signature.ts';

/** Test helpers of the DCI API: the spec validator, a small registry world, envelopes, a callback server. */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

// --- The standard's OpenAPI document as a validator ---

/** Where DCI_SPEC points (relative to the repository root), and whether the file is there. */
export function specLocation(): { path?: string; skipReason?: string } {
  const given = process.env.DCI_SPEC;
  if (!given) {
    return {
      skipReason:
        'DCI_SPEC is not set: the DCI conformance tests need the standard’s OpenAPI file ' +
        '(e.g. DCI_SPEC=../shared/specs/dci-social-registry-v1.0.0.yaml, as .ci/run sets it)',
    };
  }
  const path = isAbsolute(given) ? given : resolve(REPO_ROOT, given);
  if (!existsSync(path)) return { skipReason: `DCI_SPEC points to ${path}, which does not exist` };
  return { path };
}

type Json = Record<string, unknown>;

const pointerSegment = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

export interface SpecValidator {
  /** Errors of a request body to `path` (e.g. '/registry/sync/search'), or [] when it validates. */
  request(path: string, body: unknown): string[];
  /** Errors of a response body of `path` with that HTTP status (the status's schema, else `default`). */
  response(path: string, status: number, body: unknown): string[];
}

/**
 * Compiles the OpenAPI 3.0 document with ajv: the whole document is one schema, so that the spec's own
 * `$ref`s (including those that point into other schemas' properties) resolve by JSON pointer. OpenAPI's
 * `int32` and `binary` formats are accepted as annotations; the spec uses no `nullable`.
 */
export function specValidator(path: string): SpecValidator {
  const doc = parseYaml(readFileSync(path, 'utf8')) as Json;
  const ajv = new Ajv({ strict: false, allErrors: true });
  const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
  addFormats(ajv);
  ajv.addFormat('int32', true);
  ajv.addFormat('int64', true);
  ajv.addFormat('binary', true);
  ajv.addSchema({ ...doc, $id: 'dci-spec' });
  const cache = new Map<string, ValidateFunction>();
  const compile = (pointer: string) => {
    let fn = cache.get(pointer);
    if (!fn) {
      fn = ajv.compile({ $ref: `dci-spec#${pointer}` });
      cache.set(pointer, fn);
    }
    return fn;
  };
  const operation = (p: string): Json => {
    const paths = doc.paths as Record<string, Json>;
    const op = paths[p]?.post as Json | undefined;
    if (!op) throw new Error(`the spec has no POST ${p}`);
    return op;
  };
  const run = (pointer: string, body: unknown) => {
    const fn = compile(pointer);
    if (fn(body)) return [];
    return (fn.errors ?? []).map(
      (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  };
  return {
    request(p, body) {
      operation(p);
      return run(`/paths/${pointerSegment(p)}/post/requestBody/content/application~1json/schema`, body);
    },
    response(p, status, body) {
      const responses = operation(p).responses as Record<string, Json>;
      const key = String(status) in responses ? String(status) : 'default';
      let response = responses[key];
      let pointer = `/paths/${pointerSegment(p)}/post/responses/${key}`;
      if (response && typeof response.$ref === 'string') {
        pointer = response.$ref.slice(1);
        const name = response.$ref.split('/').pop() ?? '';
        response = ((doc.components as Json).responses as Record<string, Json>)[name];
      }
      if (!response) return [`the spec has no response ${key} for ${p}`];
      return run(`${pointer}/content/application~1json/schema`, body);
    },
  };
}

// --- A small registry ---

export const KHOREZM = '1733';
export const OTHER_MAHALLA = '1703299001';

export interface DciWorld {
  /** mahalla and district of households A1, A2; B is another Khorezm district; X another region. */
  mahallaA: string;
  districtA: string;
  mahallaB: string;
  districtB: string;
  a1: { householdId: string; head: PersonBody; spouse: PersonBody };
  a2: { householdId: string; head: PersonBody };
  b1: { householdId: string; head: PersonBody };
  x1: { householdId: string; head: PersonBody };
  /** Bearer headers of machine clients. */
  tokens: { region: string; district: string; noScope: string; otherRegion: string };
}

/** Tests run outside production: plain-http callbacks to this machine are allowed. */
export const TEST_OUTBOUND_POLICY = { httpsOnly: false };

/** A registered callback base that nothing listens on (port 9, discard), for tests without a server. */
export const UNUSED_CALLBACK_URI = 'http://127.0.0.1:9/dci';

export async function clientToken(
  t: TestApp,
  clientId: string,
  scopes: string[],
  area: Area | null,
  callbacks: CallbackSettings = {},
): Promise<string> {
  await createMachineClient(
    t.database.db,
    { clientId, secret: `${clientId}-secret`, agency: 'spmis', scopes, area, ...callbacks },
    TEST_OUTBOUND_POLICY,
  );
  const reply = await t.app.inject({
    method: 'POST',
    url: '/auth/token',
    payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` },
  });
  const body = reply.json<{ access_token?: string }>();
  if (!body.access_token) throw new Error(`no token for ${clientId}: ${reply.body}`);
  return `Bearer ${body.access_token}`;
}

/** The first day of the month three months ago: incomes from then on count in full for the poverty score. */
function monthsAgo(n: number): string {
  const now = new Date();
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - n, 1));
  return d.toISOString().slice(0, 10);
}

/**
 * The world's clients are registered with one exact callback URI: the test's callback server (its base,
 * e.g. http://127.0.0.1:<port>/dci), never "any local port".
 */
export async function buildDciWorld(
  t: TestApp,
  seed = 7,
  callbackUri: string = UNUSED_CALLBACK_URI,
): Promise<DciWorld> {
  const db = t.database.db;
  const names = { name_uz_latn: 'Sinov', name_uz_cyrl: 'Синов', name_ru: 'Тест', name_en: 'Test' };
  await db
    .insertInto('district')
    .values({ code: '1703299', region_code: '1703', kind: 'district', population: 1000, ...names })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await db
    .insertInto('mahalla')
    .values({ code: OTHER_MAHALLA, district_code: '1703299', population: 1000, ...names })
    .onConflict((oc) => oc.doNothing())
    .execute();
  const mahallas = await db
    .selectFrom('mahalla')
    .select(['code', 'district_code'])
    .where('district_code', 'like', `${KHOREZM}%`)
    .orderBy('code')
    .execute();
  const first = mahallas[0];
  const other = mahallas.find((m) => m.district_code !== first?.district_code);
  if (!first || !other) throw new Error('the Khorezm territory is not installed');
  const factory = new Factory(seed);
  const household = async (mahallaCode: string, head: PersonBody) => {
    const householdId = randomUUID();
    await createHousehold(db, {
      id: householdId,
      mahallaCode,
      address: 'Test street 1',
      createdOn: '2020-01-01',
      head,
      source: 'social_worker',
    });
    return householdId;
  };
  const income = async (person: PersonBody, monthly: number) => {
    await db
      .insertInto('income')
      .values({
        person_id: person.id,
        kind: 'wage',
        monthly_amount: monthly,
        valid_from: monthsAgo(6),
        source: 'tax',
      })
      .execute();
  };
  const headA1 = factory.person({ birthDate: '1980-03-03', sex: 'M' });
  const a1 = await household(first.code, headA1);
  const spouse = factory.person({ birthDate: '1982-04-04', sex: 'F' });
  await submitChangeRequest(
    db,
    {
      id: randomUUID(),
      type: 'add_member',
      apply: true,
      householdId: a1,
      person: spouse,
      relationship: 'spouse',
      effectiveDate: '2020-01-01',
    },
    'setup',
  );
  await income(headA1, 1_000_000);
  const headA2 = factory.person({ birthDate: '1975-01-01', sex: 'F' });
  const a2 = await household(first.code, headA2);
  await income(headA2, 5_000_000);
  const headB1 = factory.person({ birthDate: '1990-07-07', sex: 'M' });
  const b1 = await household(other.code, headB1);
  const headX1 = factory.person({ birthDate: '1970-09-09', sex: 'M' });
  const x1 = await household(OTHER_MAHALLA, headX1);
  const all = ['registry.read', 'dci.search', 'dci.subscribe'];
  const callbacks = { callbackUris: [callbackUri] };
  return {
    mahallaA: first.code,
    districtA: first.district_code,
    mahallaB: other.code,
    districtB: other.district_code,
    a1: { householdId: a1, head: headA1, spouse },
    a2: { householdId: a2, head: headA2 },
    b1: { householdId: b1, head: headB1 },
    x1: { householdId: x1, head: headX1 },
    tokens: {
      region: await clientToken(t, 'dci-region', all, { kind: 'region', code: KHOREZM }, callbacks),
      district: await clientToken(
        t,
        'dci-district',
        all,
        { kind: 'district', code: first.district_code },
        callbacks,
      ),
      noScope: await clientToken(t, 'dci-noscope', ['registry.read'], { kind: 'region', code: KHOREZM }),
      otherRegion: await clientToken(t, 'dci-other', all, { kind: 'region', code: '1703' }, callbacks),
    },
  };
}

/** A machine client that signs its messages: its bearer token and how it signs an envelope. */
export interface SigningClient {
  token: string;
  sign<T extends { header: { sender_id: string }; message?: unknown }>(
    envelope: T,
  ): T & { signature: string };
}

/**
 * Registers a client with a public Ed25519 key (so it must sign every message), the callback URI given,
 * and optionally that URI as its default callback.
 */
export async function signingClient(
  t: TestApp,
  clientId: string,
  callbackUri: string,
  options: { defaultCallback?: boolean } = {},
): Promise<SigningClient> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const keyId = `${clientId}-key-1`;
  const token = await clientToken(
    t,
    clientId,
    ['registry.read', 'dci.search', 'dci.subscribe'],
    { kind: 'region', code: KHOREZM },
    {
      callbackUris: [callbackUri],
      ...(options.defaultCallback ? { defaultCallbackUri: callbackUri } : {}),
      signingJwk: { ...publicKey.export({ format: 'jwk' }), kid: keyId },
    },
  );
  return {
    token,
    sign: (envelope) => ({
      signature: signMessage(envelope, { privateKey, keyId, senderId: envelope.header.sender_id }),
      ...envelope,
    }),
  };
}

// --- Messages ---

export function header(action: string, extra: Record<string, unknown> = {}) {
  return {
    version: '1.0.0',
    message_id: randomUUID(),
    message_ts: new Date().toISOString(),
    action,
    sender_id: 'spmis.test',
    receiver_id: 'social-registry.himoya.uz',
    total_count: 1,
    is_msg_encrypted: false,
    ...extra,
  };
}

export function searchMessage(
  criteria: Record<string, unknown>,
  options: { transactionId?: string; referenceId?: string; more?: Record<string, unknown>[] } = {},
) {
  const first = {
    reference_id: options.referenceId ?? randomUUID(),
    timestamp: new Date().toISOString(),
    search_criteria: { version: '1.0.0', reg_type: 'ns:uz:RegistryType:Social', ...criteria },
  };
  return {
    transaction_id: options.transactionId ?? randomUUID(),
    search_request: [first, ...(options.more ?? [])],
  };
}

export function searchEnvelope(
  criteria: Record<string, unknown>,
  options: Parameters<typeof searchMessage>[1] & { senderUri?: string } = {},
) {
  const message = searchMessage(criteria, options);
  return {
    header: header('search', {
      total_count: message.search_request.length,
      ...(options.senderUri ? { sender_uri: options.senderUri } : {}),
    }),
    message,
  };
}

// --- A caller's callback endpoints ---

export interface CallbackServer {
  url: string;
  received: { path: string; body: unknown }[];
  /** Waits for a body posted to a path ending in `suffix` (and matching `where`). */
  waitFor(suffix: string, where?: (body: unknown) => boolean, timeoutMs?: number): Promise<unknown>;
  /** Answer the next `n` posts with 503 (to exercise retries). */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startCallbackServer(): Promise<CallbackServer> {
  const received: { path: string; body: unknown }[] = [];
  let failures = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(503).end();
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        body = undefined;
      }
      received.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/dci`,
    received,
    async waitFor(suffix, where = () => true, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hit = received.find((r) => r.path.endsWith(suffix) && where(r.body));
        if (hit) return hit.body;
        if (Date.now() > end) throw new Error(`no callback to ${suffix} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    failNext(n) {
      failures = n;
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
