import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../../platform/db/database.ts';
import { makePinfl } from '../../registry/pinfl.ts';
import { Random } from '../../shared/random.ts';
import { FEMALE_FIRST_NAMES, MALE_FIRST_NAMES } from '../../synthetic/names.ts';
import { AGENCIES, type AgencyName } from '../adapters/adapter.ts';

export const FAULTS = ['slow', 'timeout', 'error500', 'malformed', 'duplicate'] as const;
export type Fault = (typeof FAULTS)[number];
export type EventKind = 'birth' | 'death' | 'new_job' | 'car_purchase';

/** The agency that reports each kind of event: the simulator pushes as that agency. */
export const EVENT_AGENCY: Record<EventKind, AgencyName> = {
  birth: 'civil_registry',
  death: 'civil_registry',
  new_job: 'pension_fund',
  car_purchase: 'vehicles',
};
/** The agencies the simulator pushes events for. */
export const PUSHING_AGENCIES: readonly AgencyName[] = [...new Set(Object.values(EVENT_AGENCY))];

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export interface SimulatorOptions {
  /** The registry the agencies' books are drawn from (the same database Himoya uses). */
  database: Database;
  port?: number;
  host?: string;
  /** Where to push events; without it `emit` only adds to the agencies' feeds. */
  himoyaUrl?: string;
  /** Each agency's own machine client (scope `events.push`), used to push that agency's events. */
  clients?: Partial<Record<AgencyName, ClientCredentials>>;
  /** One client for the agencies without their own: a relay registered with `events.push:any`. */
  clientId?: string;
  clientSecret?: string;
  /** Events per minute pushed on a timer (0 = only on `emit`). */
  rate?: number;
  faults?: readonly Fault[];
  /** Chance that an active fault hits a request (0-1). */
  faultRate?: number;
  seed?: number;
  /** 'YYYY-MM-DD' of the books' months; default today. */
  today?: string;
  slowMs?: number;
  timeoutMs?: number;
  log?: (message: string, details?: object) => void;
}

export interface PushOutcome {
  agency: AgencyName;
  event: Record<string, unknown>;
  status: number;
  body: unknown;
}

export interface EmitOptions {
  /** The person the event happens to (a birth: the mother); default a random fitting one. */
  pinfl?: string;
}

export interface SimulatedAgencies {
  url: string;
  stop(): Promise<void>;
  setFaults(faults: readonly Fault[], rate?: number): void;
  /** Makes one change event of the kind (random if absent), adds it to the feed and pushes it. */
  emit(kind?: EventKind, options?: EmitOptions): Promise<PushOutcome | undefined>;
  /** The agency's whole feed (what a complete pull returns). */
  records(agency: AgencyName): readonly Record<string, unknown>[];
}

interface Citizen {
  pinfl: string;
  sex: 'M' | 'F';
  birthDate: string;
  lastName: string;
  employment: string;
  householdId: string;
  alive: boolean;
}

const ageOn = (birthDate: string, today: string) =>
  Number(today.slice(0, 4)) - Number(birthDate.slice(0, 4)) - (today.slice(5) < birthDate.slice(5) ? 1 : 0);

const monthsBefore = (today: string, n: number): string[] => {
  const out: string[] = [];
  const y = Number(today.slice(0, 4));
  const m = Number(today.slice(5, 7)) - 1;
  for (let i = n; i >= 1; i--) {
    const d = new Date(Date.UTC(y, m - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
};

/**
 * Simulated agencies: a separate HTTP server (its own Fastify instance) serving each agency's records
 * through the protocol the adapters speak (`GET /agencies/:agency/records?cursor=&limit=` → `{records,
 * next, more}`), and pushing change events to Himoya (`POST /integration/events/:agency` with a
 * client-credentials token). The books are drawn, deterministically for a seed, from the registry's
 * persons in the database at start (PINFLs, households, employment): what the agencies would know.
 */
export async function startSimulatedAgencies(options: SimulatorOptions): Promise<SimulatedAgencies> {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const random = new Random(options.seed ?? 2026);
  const faultRandom = new Random((options.seed ?? 2026) + 1);
  let faults = new Set<Fault>(options.faults ?? []);
  let faultRate = options.faultRate ?? 0.1;
  const log = options.log ?? (() => undefined);

  const rows = await sql<{
    pinfl: string;
    sex: 'M' | 'F';
    birth_date: string;
    last_name: string;
    employment: string;
    household_id: string;
    relationship: string;
  }>`select p.pinfl, p.sex, p.birth_date, p.last_name, p.employment, m.household_id, m.relationship
     from person p join membership m on m.person_id = p.id and m.valid_from <= ${today}::date
       and (m.valid_to is null or m.valid_to > ${today}::date)
     where p.pinfl is not null and p.death_date is null and p.merged_into is null
     order by p.pinfl`.execute(options.database.db);
  const citizens: Citizen[] = rows.rows.map((r) => ({
    pinfl: r.pinfl.trim(),
    sex: r.sex,
    birthDate: r.birth_date,
    lastName: r.last_name,
    employment: r.employment,
    householdId: r.household_id,
    alive: true,
  }));
  const usedPinfls = new Set(citizens.map((c) => c.pinfl));
  const books: Record<AgencyName, Record<string, unknown>[]> = {
    tax: [],
    pension_fund: [],
    cadastre: [],
    vehicles: [],
    civil_registry: [],
    banks: [],
    medical: [],
  };
  const months = monthsBefore(today, 3);
  let plateSeq = 0;
  const heads = new Set<string>();
  rows.rows.forEach((r, i) => {
    const c = citizens[i];
    if (!c) return;
    const age = ageOn(c.birthDate, today);
    if (c.employment === 'employed_formal' || c.employment === 'self_employed') {
      const kind = c.employment === 'self_employed' ? 'business' : 'wage';
      const base = random.int(1_500_000, 9_000_000);
      for (const month of months) {
        books.tax.push({ id: `tax-${c.pinfl}-${month}`, pinfl: c.pinfl, month, kind, amount: base });
      }
      if (c.employment === 'employed_formal') {
        books.pension_fund.push({
          id: `pf-job-${c.pinfl}`,
          pinfl: c.pinfl,
          type: 'employment_start',
          date: `${Number(today.slice(0, 4)) - random.int(1, 10)}-0${random.int(1, 9)}-15`,
          sector: random.chance(0.3) ? 'public' : 'private',
        });
      }
    }
    if (c.employment === 'retired') {
      for (const month of months) {
        books.pension_fund.push({
          id: `pf-pension-${c.pinfl}-${month}`,
          pinfl: c.pinfl,
          type: 'pension',
          month,
          amount: random.int(900_000, 2_500_000),
        });
      }
    }
    if (r.relationship === 'head' && !heads.has(c.householdId)) {
      heads.add(c.householdId);
      books.cadastre.push({
        id: `cad-${heads.size}`,
        cadastreNumber: `99:999:9999:${heads.size}`,
        ownerPinfl: c.pinfl,
        kind: 'residential',
        areaM2: random.int(400, 2000) / 10,
      });
    }
    if (age >= 18 && random.chance(0.1)) {
      plateSeq++;
      books.vehicles.push({
        id: `veh-${plateSeq}`,
        plate: `99Z${String(plateSeq).padStart(5, '0')}SM`,
        ownerPinfl: c.pinfl,
        make: random.pick(['Chevrolet Cobalt', 'Chevrolet Nexia', 'Damas', 'Chevrolet Spark']),
        modelYear: random.int(1995, Number(today.slice(0, 4))),
      });
    }
    if (age >= 18 && random.chance(0.2)) {
      books.banks.push({
        id: `bank-${c.pinfl}-${today}`,
        pinfl: c.pinfl,
        bank: random.pick(['xalq_banki', 'agrobank', 'kapitalbank']),
        balance: random.int(0, 20_000_000),
        asOf: today,
      });
    }
    if (random.chance(0.03)) {
      books.medical.push({
        id: `med-${c.pinfl}`,
        pinfl: c.pinfl,
        kind: random.chance(0.5) ? 'diagnosis' : 'referral',
        icd10: random.pick(['G80.1', 'E11', 'I10', 'F70', 'H54.0']),
        referredTo: 'TMEK',
        date: today,
      });
    }
  });

  // ---- the change events ----
  let eventSeq = 0;
  const eventId = (prefix: string) =>
    `${prefix}-${today.replaceAll('-', '')}-${++eventSeq}-${random.int(0, 1e6)}`;
  const pick = (filter: (c: Citizen) => boolean): Citizen | undefined => {
    const found = citizens.filter((c) => c.alive && filter(c));
    return found.length > 0 ? random.pick(found) : undefined;
  };
  const makeEvent = (
    kind: EventKind,
    only?: string,
  ): { agency: AgencyName; event: Record<string, unknown> } | undefined => {
    switch (kind) {
      case 'birth': {
        const mother = pick(
          (c) =>
            (only === undefined || c.pinfl === only) &&
            c.sex === 'F' &&
            ageOn(c.birthDate, today) >= 18 &&
            ageOn(c.birthDate, today) <= 45,
        );
        if (!mother) return undefined;
        const sex = random.chance(0.5) ? 'M' : 'F';
        let serial = random.int(500, 999);
        let pinfl = makePinfl(today, sex, mother.pinfl.slice(7, 10), serial);
        while (usedPinfls.has(pinfl))
          pinfl = makePinfl(today, sex, mother.pinfl.slice(7, 10), ++serial % 1000);
        usedPinfls.add(pinfl);
        citizens.push({
          pinfl,
          sex,
          birthDate: today,
          lastName: mother.lastName,
          employment: 'child',
          householdId: mother.householdId,
          alive: true,
        });
        return {
          agency: EVENT_AGENCY.birth,
          event: {
            id: eventId('birth'),
            type: 'birth',
            date: today,
            child: {
              pinfl,
              lastName: mother.lastName,
              firstName: random.pick(sex === 'M' ? MALE_FIRST_NAMES : FEMALE_FIRST_NAMES),
              sex,
            },
            motherPinfl: mother.pinfl,
          },
        };
      }
      case 'death': {
        const person = pick((c) => ageOn(c.birthDate, today) >= 75);
        if (!person) return undefined;
        person.alive = false;
        return {
          agency: EVENT_AGENCY.death,
          event: { id: eventId('death'), type: 'death', date: today, pinfl: person.pinfl },
        };
      }
      case 'new_job': {
        const person = pick(
          (c) =>
            c.employment === 'unemployed' ||
            (c.employment === 'none' && ageOn(c.birthDate, today) >= 18 && ageOn(c.birthDate, today) < 60),
        );
        if (!person) return undefined;
        person.employment = 'employed_formal';
        return {
          agency: EVENT_AGENCY.new_job,
          event: {
            id: eventId('job'),
            pinfl: person.pinfl,
            type: 'employment_start',
            date: today,
            sector: 'private',
          },
        };
      }
      case 'car_purchase': {
        const person = pick((c) => ageOn(c.birthDate, today) >= 18);
        if (!person) return undefined;
        plateSeq++;
        return {
          agency: EVENT_AGENCY.car_purchase,
          event: {
            id: eventId('car'),
            plate: `99Z${String(plateSeq).padStart(5, '0')}SM`,
            ownerPinfl: person.pinfl,
            make: 'Chevrolet Cobalt',
            modelYear: Number(today.slice(0, 4)),
            registeredOn: today,
          },
        };
      }
    }
  };

  // ---- pushing ----
  // A token per client: each agency pushes with its own client (its own agency's scope only).
  const tokens = new Map<string, { value: string; until: number }>();
  const credentialsOf = (agency: AgencyName): ClientCredentials => {
    const own = options.clients?.[agency];
    if (own) return own;
    if (options.clientId && options.clientSecret) {
      return { clientId: options.clientId, clientSecret: options.clientSecret };
    }
    throw new Error(`no machine client to push ${agency} events with`);
  };
  const bearer = async (agency: AgencyName): Promise<string> => {
    const { clientId, clientSecret } = credentialsOf(agency);
    const cached = tokens.get(clientId);
    if (cached && cached.until > Date.now()) return cached.value;
    // No scope asked: the client's own, whatever they are (an agency's events.push, a relay's :any).
    const response = await fetch(`${options.himoyaUrl}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
      }),
    });
    if (!response.ok) throw new Error(`token request failed: HTTP ${response.status}`);
    const body = (await response.json()) as { access_token: string; expires_in: number };
    const token = { value: body.access_token, until: Date.now() + Math.max(0, body.expires_in - 30) * 1000 };
    tokens.set(clientId, token);
    return token.value;
  };
  const hit = (fault: Fault) => faults.has(fault) && faultRandom.next() < faultRate;
  const push = async (agency: AgencyName, events: unknown[]) => {
    const response = await fetch(`${options.himoyaUrl}/integration/events/${agency}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await bearer(agency)}` },
      body: JSON.stringify({ events }),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
  };
  const emit = async (kind?: EventKind, emitOptions: EmitOptions = {}): Promise<PushOutcome | undefined> => {
    const chosen = kind ?? random.pick(['birth', 'death', 'new_job', 'car_purchase'] as const);
    const made = makeEvent(chosen, emitOptions.pinfl);
    if (!made) return undefined;
    books[made.agency].push(made.event);
    if (!options.himoyaUrl) return { ...made, status: 0, body: null };
    const events: unknown[] = [made.event];
    if (hit('malformed'))
      events.push({ ...made.event, id: `${String(made.event.id)}-bad`, date: 'not-a-date' });
    const outcome = await push(made.agency, events);
    if (hit('duplicate')) await push(made.agency, [made.event]);
    log('event pushed', { agency: made.agency, kind: chosen, status: outcome.status });
    return { ...made, ...outcome };
  };

  // ---- the HTTP server ----
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.get<{ Params: { agency: string }; Querystring: { cursor?: string; limit?: string } }>(
    '/agencies/:agency/records',
    async (request, reply) => {
      const agency = request.params.agency as AgencyName;
      if (!AGENCIES.includes(agency)) return reply.status(404).send({ error: 'unknown agency' });
      if (hit('error500')) return reply.status(500).send({ error: 'internal error (simulated)' });
      if (hit('timeout')) await sleep(options.timeoutMs ?? 30_000);
      else if (hit('slow')) await sleep(options.slowMs ?? 500);
      const book = books[agency];
      const offset = Math.max(0, Number(request.query.cursor || '0') || 0);
      const limit = Math.min(10_000, Math.max(1, Number(request.query.limit ?? '1000') || 1000));
      const records: unknown[] = book.slice(offset, offset + limit);
      if (offset > 0 && hit('duplicate')) records.unshift(...book.slice(Math.max(0, offset - 3), offset));
      if (records.length > 0 && hit('malformed')) {
        records.push({ id: `malformed-${agency}-${offset}`, pinfl: '12345', amount: -1 });
      }
      const next = offset + Math.min(limit, Math.max(0, book.length - offset));
      return { records, next: String(next), more: next < book.length };
    },
  );
  app.get('/faults', async () => ({ faults: [...faults], rate: faultRate }));
  app.post<{ Body: { faults?: unknown; rate?: unknown } }>('/faults', async (request, reply) => {
    const body = request.body ?? {};
    const list = Array.isArray(body.faults) ? body.faults : [];
    const unknown = list.filter((f) => !FAULTS.includes(f as Fault));
    if (unknown.length > 0) return reply.status(400).send({ error: `unknown faults: ${unknown.join(', ')}` });
    faults = new Set(list as Fault[]);
    if (typeof body.rate === 'number' && body.rate >= 0 && body.rate <= 1) faultRate = body.rate;
    return { faults: [...faults], rate: faultRate };
  });
  app.post<{ Body: { kind?: EventKind } }>('/events', async (request) => {
    const outcome = await emit(request.body?.kind);
    return outcome ?? { error: 'no person fits the event' };
  });
  const url = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });

  let timer: NodeJS.Timeout | undefined;
  if ((options.rate ?? 0) > 0 && options.himoyaUrl) {
    timer = setInterval(
      () => {
        emit().catch((error: unknown) => log('push failed', { error: String(error) }));
      },
      60_000 / (options.rate ?? 60),
    );
  }
  return {
    url,
    async stop() {
      if (timer) clearInterval(timer);
      await app.close();
    },
    setFaults(list, rate) {
      faults = new Set(list);
      if (rate !== undefined) faultRate = rate;
    },
    emit,
    records: (agency) => books[agency],
  };
}
