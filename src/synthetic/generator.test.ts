import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nameKey } from '../registry/name-key.ts';
import { checkPinflAgainst } from '../registry/pinfl.ts';
import { Random } from '../shared/random.ts';
import { buildTerritory } from '../territory/territory.builder.ts';
import { dayOf, YEAR_DAYS } from './calendar.ts';
import {
  DEPOSIT_EXCLUSION_MULTIPLE,
  HOUSEHOLD_SIZE_TARGET,
  MCE_2026,
  MINIMUM_WAGE,
  POVERTY_TARGETS,
  RETIREMENT_AGE,
} from './calibration.ts';
import { ChunkQueue } from './chunk-queue.ts';
import { CopyWriter } from './copy-writer.ts';
import {
  apportion,
  COPY_COLUMNS,
  emptyRecord,
  PopulationGenerator,
  SEED_TABLES,
  type SeedTable,
} from './generator.ts';
import { nextUuid } from './ids.ts';

const REFERENCE_DATE = '2026-07-01';
const khorezm = buildTerritory('khorezm');

function generate(households: number, seed: number, batch = 200, referenceDate = REFERENCE_DATE) {
  const generator = new PopulationGenerator({ households, seed, referenceDate, territory: khorezm });
  const parts = emptyRecord((): string[] => []);
  for (const b of generator.batches(batch)) {
    for (const table of SEED_TABLES) parts[table].push(...b.text[table]);
  }
  const text = emptyRecord(() => '');
  for (const table of SEED_TABLES) text[table] = parts[table].join('');
  return text;
}

function digest(text: Record<SeedTable, string>): string {
  const hash = createHash('sha256');
  for (const table of SEED_TABLES) hash.update(`${table}\n${text[table]}`);
  return hash.digest('hex');
}

/** COPY text back into rows of named fields (`\N` -> null). */
function rowsOf(text: Record<SeedTable, string>, table: SeedTable): Record<string, string | null>[] {
  const columns = COPY_COLUMNS[table];
  return text[table]
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const fields = line.split('\t');
      if (fields.length !== columns.length) throw new Error(`${table}: ${fields.length} fields in ${line}`);
      return Object.fromEntries(columns.map((c, i) => [c, fields[i] === '\\N' ? null : (fields[i] ?? null)]));
    });
}

const str = (value: string | null | undefined): string => {
  if (value === null || value === undefined) throw new Error('unexpected null');
  return value;
};

describe('seeded ids', () => {
  it('are the ones Random.uuid() makes, from the same draws', () => {
    const a = new Random(42);
    const b = new Random(42);
    for (let i = 0; i < 20_000; i++) expect(nextUuid(b)).toBe(a.uuid());
  });
});

describe('apportion', () => {
  it('splits exactly and in proportion', () => {
    const counts = apportion(1000, [1, 2, 3, 4]);
    expect(counts).toEqual([100, 200, 300, 400]);
    const odd = apportion(7, [1, 1, 1]);
    expect(odd.reduce((a, b) => a + b, 0)).toBe(7);
    expect(Math.max(...odd) - Math.min(...odd)).toBeLessThanOrEqual(1);
  });
});

describe('CopyWriter', () => {
  it('writes fields, integers and UTF-8 text as COPY rows', () => {
    const w = new CopyWriter();
    w.row().text('a').int(1234).end('Тошкент');
    w.row().raw('x').padded(7, 3).tab().end('\\N');
    expect(w.take().join('')).toBe('a\t1234\tТошкент\nx007\t\\N\n');
    expect(w.take()).toEqual([]);
  });

  it('hands out chunks of at most 64 KB', () => {
    const w = new CopyWriter();
    for (let i = 0; i < 5000; i++) w.row().text('0123456789'.repeat(5)).end(String(i));
    const parts = w.take();
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(64 * 1024);
    expect(parts.join('').split('\n')).toHaveLength(5001);
  });
});

describe('ChunkQueue', () => {
  it('makes the producer wait above the high-water mark and delivers everything in order', async () => {
    const queue = new ChunkQueue(10);
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const chunk of queue) seen.push(chunk);
    })();
    expect(queue.push('12345')).toBeUndefined();
    const wait = queue.push('6789012345');
    expect(wait).toBeInstanceOf(Promise);
    await wait;
    queue.push('x');
    queue.close();
    await consumer;
    expect(seen).toEqual(['12345', '6789012345', 'x']);
  });

  it('does not make the producer wait for a consumer that has not started', () => {
    const queue = new ChunkQueue(10);
    expect(queue.push('0123456789')).toBeUndefined();
    expect(queue.push('0123456789')).toBeUndefined();
    expect(queue.length).toBe(20);
  });

  it('ends the consumer with the producer failure', async () => {
    const queue = new ChunkQueue(10);
    queue.push('a');
    queue.fail(new Error('generator broke'));
    await expect(
      (async () => {
        for await (const _ of queue) {
          // drain
        }
      })(),
    ).rejects.toThrow('generator broke');
  });
});

describe('population generator', () => {
  it('is deterministic for a seed and reference date, whatever the batch size', () => {
    const first = digest(generate(300, 7, 50));
    expect(digest(generate(300, 7, 1000))).toBe(first);
    expect(digest(generate(300, 8))).not.toBe(first);
    expect(digest(generate(300, 7, 200, '2026-01-01'))).not.toBe(first);
  });

  // One medium population, checked the way the Social Registry will read it.
  const text = generate(20_000, 2026);
  const households = rowsOf(text, 'household');
  const persons = rowsOf(text, 'person');
  const memberships = rowsOf(text, 'membership');
  const incomes = rowsOf(text, 'income');
  const personById = new Map(persons.map((p) => [str(p.id), p]));
  const householdById = new Map(households.map((h) => [str(h.id), h]));
  const districts = new Map(khorezm.districts.map((d) => [d.code, d]));
  const ref = dayOf(REFERENCE_DATE);
  const ageOf = (p: Record<string, string | null | undefined>) =>
    (ref - dayOf(str(p.birth_date))) / YEAR_DAYS;

  it('gives every household exactly one head and every person exactly one household', () => {
    const heads = new Map<string, number>();
    const seen = new Map<string, number>();
    for (const m of memberships) {
      if (m.relationship === 'head')
        heads.set(str(m.household_id), (heads.get(str(m.household_id)) ?? 0) + 1);
      seen.set(str(m.person_id), (seen.get(str(m.person_id)) ?? 0) + 1);
    }
    expect(memberships.filter((m) => !householdById.has(str(m.household_id)))).toEqual([]);
    expect(households).toHaveLength(20_000);
    expect(households.filter((h) => heads.get(str(h.id)) !== 1)).toEqual([]);
    expect(seen.size).toBe(persons.length);
    expect([...seen.values()].filter((count) => count !== 1)).toEqual([]);
    const headPersons = memberships
      .filter((m) => m.relationship === 'head')
      .map((m) => personById.get(str(m.person_id)) ?? {});
    const headAges = headPersons.map(ageOf);
    expect(headPersons.filter((p) => p.sex === 'M').length / households.length).toBeGreaterThan(0.75);
    const inRange = headAges.filter((a) => a >= 24 && a < 76).length / headAges.length;
    expect(inRange).toBeGreaterThan(0.85);
  });

  it('starts memberships on or after birth and household creation, before the reference date', () => {
    const wrong = memberships.filter((m) => {
      const person = personById.get(str(m.person_id));
      const household = householdById.get(str(m.household_id));
      const from = str(m.valid_from);
      const born = str(person?.birth_date);
      const created = str(household?.created_on);
      if (from < born || from >= REFERENCE_DATE || created >= REFERENCE_DATE || from < created) return true;
      // A child's membership starts at birth or at the household's creation, whichever is later.
      return m.relationship === 'child' && from !== [born, created].sort()[1];
    });
    expect(wrong).toEqual([]);
  });

  it('gives valid, unique PINFLs agreeing with birth date and sex to about 99.5% of persons', () => {
    const pinfls = persons.filter((p) => p.pinfl !== null);
    const missing = 1 - pinfls.length / persons.length;
    expect(missing).toBeGreaterThan(0.003);
    expect(missing).toBeLessThan(0.009);
    expect(new Set(pinfls.map((p) => p.pinfl)).size).toBe(pinfls.length);
    const wrong = pinfls.filter((p) => {
      const sex = p.sex === 'M' ? 'M' : 'F';
      return !checkPinflAgainst(str(p.pinfl), { birthDate: str(p.birth_date), sex }).ok;
    });
    expect(wrong).toEqual([]);
  });

  it('keys names with nameKey and plants duplicate records for the review queue', () => {
    expect(persons.filter((p) => p.name_key !== nameKey(p.last_name, p.first_name, p.patronymic))).toEqual(
      [],
    );
    const householdOf = new Map(memberships.map((m) => [str(m.person_id), str(m.household_id)]));
    const groups = new Map<string, Record<string, string | null>[]>();
    for (const p of persons) {
      if (p.pinfl !== null) continue;
      const mahalla = householdById.get(householdOf.get(str(p.id)) ?? '')?.mahalla_code;
      const key = `${p.name_key}|${p.birth_date}|${mahalla}`;
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    const pairs = [...groups.values()].filter((g) => g.length > 1);
    // About 0.05% of persons.
    expect(pairs.length).toBeGreaterThan(persons.length * 0.0002);
    expect(pairs.length).toBeLessThan(persons.length * 0.001);
    for (const [a, b] of pairs.map((g) => [g[0], g[1]])) {
      expect(householdOf.get(str(a?.id))).not.toBe(householdOf.get(str(b?.id)));
      const spelledA = `${a?.last_name} ${a?.first_name} ${a?.patronymic}`;
      const spelledB = `${b?.last_name} ${b?.first_name} ${b?.patronymic}`;
      expect(spelledA).not.toBe(spelledB);
      expect(a?.sex).toBe(b?.sex);
    }
  });

  it('spreads households over districts in proportion to population', () => {
    const total = khorezm.districts.reduce((a, d) => a + d.population, 0);
    const perDistrict = new Map<string, number>();
    for (const h of households)
      perDistrict.set(str(h.district_code), (perDistrict.get(str(h.district_code)) ?? 0) + 1);
    for (const d of khorezm.districts) {
      expect(
        Math.abs((perDistrict.get(d.code) ?? 0) / households.length - d.population / total),
      ).toBeLessThan(0.002);
    }
  });

  it('makes rural households larger than city ones, near the calibration targets', () => {
    const size = new Map<string, number>();
    for (const m of memberships) size.set(str(m.household_id), (size.get(str(m.household_id)) ?? 0) + 1);
    const mean = (city: boolean) => {
      const hs = households.filter((h) => (districts.get(str(h.district_code))?.kind === 'city') === city);
      return hs.reduce((a, h) => a + (size.get(str(h.id)) ?? 0), 0) / hs.length;
    };
    expect(mean(false)).toBeGreaterThan(mean(true) + 0.5);
    expect(Math.abs(mean(false) - HOUSEHOLD_SIZE_TARGET.rural)).toBeLessThan(0.3);
    expect(Math.abs(mean(true) - HOUSEHOLD_SIZE_TARGET.city)).toBeLessThan(0.3);
    const relationships = new Set(memberships.map((m) => m.relationship));
    for (const r of [
      'spouse',
      'child',
      'parent',
      'grandchild',
      'child_in_law',
      'sibling',
      'grandparent',
      'other',
    ]) {
      expect(relationships.has(r)).toBe(true);
    }
  });

  it('has a young age pyramid', () => {
    const ages = persons.map(ageOf).sort((a, b) => a - b);
    const median = ages[Math.floor(ages.length / 2)] ?? 0;
    expect(median).toBeGreaterThan(26);
    expect(median).toBeLessThan(31);
    const under18 = ages.filter((a) => a < 18).length / ages.length;
    expect(under18).toBeGreaterThan(0.27);
    expect(under18).toBeLessThan(0.36);
    const youth = ages.filter((a) => a >= 14 && a < 31).length / ages.length;
    expect(youth).toBeGreaterThan(0.22);
    expect(youth).toBeLessThan(0.34);
  });

  it('keeps study and work consistent with age', () => {
    const wrong = persons.filter((p) => {
      const age = ageOf(p);
      const pensionAge = RETIREMENT_AGE[p.sex === 'M' ? 'M' : 'F'];
      return (
        (age < 7 && p.education !== 'none' && p.education !== 'preschool') ||
        (age < 14 && p.employment !== 'child') ||
        (age >= 14 && age < 18 && p.employment !== 'student') ||
        (p.employment === 'retired' && age < pensionAge) ||
        (age >= pensionAge + 0.01 && p.employment !== 'retired') ||
        (p.employment !== 'military' &&
          (p.employment === 'employed_formal') !==
            ['public', 'private', 'security'].includes(p.employment_sector ?? '')) ||
        (p.phone != null && !/^\+998[0-9]{9}$/.test(p.phone))
      );
    });
    expect(wrong).toEqual([]);
    const youth = persons.filter((p) => ageOf(p) >= 18 && ageOf(p) < 23);
    expect(youth.filter((p) => p.employment === 'student').length / youth.length).toBeGreaterThan(0.15);
    const formal = persons.filter((p) => p.employment === 'employed_formal');
    const security = formal.filter((p) => p.employment_sector === 'security').length / formal.length;
    expect(security).toBeGreaterThan(0.01);
    expect(security).toBeLessThan(0.06);
    const adults = persons.filter((p) => ageOf(p) >= 18);
    expect(adults.filter((p) => p.phone !== null).length / adults.length).toBeGreaterThan(0.75);
  });

  it('puts about 3% of persons on the disability register, children in their own group', () => {
    const disabilities = rowsOf(text, 'disability');
    const share = disabilities.length / persons.length;
    expect(share).toBeGreaterThan(0.025);
    expect(share).toBeLessThan(0.036);
    const wrong = disabilities.filter((d) => {
      const person = personById.get(str(d.person_id));
      if (!person) return true;
      const child = ageOf(person) < 18;
      return (
        (d.disability_group === 'child') !== child ||
        str(d.valid_from) >= REFERENCE_DATE ||
        (d.valid_to != null && d.valid_to <= REFERENCE_DATE)
      );
    });
    expect(wrong).toEqual([]);
    expect(new Set(disabilities.map((d) => d.disability_group))).toEqual(
      new Set(['I', 'II', 'III', 'child']),
    );
    const old = persons.filter((p) => ageOf(p) >= 60).length;
    const oldDisabled = disabilities.filter(
      (d) => ageOf(personById.get(str(d.person_id)) ?? {}) >= 60,
    ).length;
    expect(oldDisabled / old).toBeGreaterThan(share);
  });

  it('calibrates per-capita income to the MCE: a minority below it, more in remote districts than in Urganch', () => {
    const householdOf = new Map(memberships.map((m) => [str(m.person_id), str(m.household_id)]));
    const size = new Map<string, number>();
    for (const m of memberships) size.set(str(m.household_id), (size.get(str(m.household_id)) ?? 0) + 1);
    const income = new Map<string, number>();
    for (const i of incomes) {
      const h = householdOf.get(str(i.person_id)) ?? '';
      income.set(h, (income.get(h) ?? 0) + Number(i.monthly_amount));
    }
    expect(new Set(incomes.map((i) => i.kind))).toEqual(
      new Set(['wage', 'pension', 'business', 'agriculture', 'remittance', 'other']),
    );
    expect(
      incomes.filter((i) => str(i.valid_from) >= REFERENCE_DATE || !str(i.valid_from).endsWith('-01')),
    ).toEqual([]);
    const shares = (filter: (districtCode: string) => boolean) => {
      const hs = households.filter((h) => filter(str(h.district_code)));
      const perCapita = hs.map((h) => (income.get(str(h.id)) ?? 0) / (size.get(str(h.id)) ?? 1));
      return {
        below: perCapita.filter((v) => v < MCE_2026).length / hs.length,
        borderline: perCapita.filter((v) => v >= MCE_2026 && v < 1.5 * MCE_2026).length / hs.length,
      };
    };
    const all = shares(() => true);
    expect(all.below).toBeGreaterThan(POVERTY_TARGETS.belowMce.min);
    expect(all.below).toBeLessThan(POVERTY_TARGETS.belowMce.max);
    expect(all.borderline).toBeGreaterThan(POVERTY_TARGETS.borderline.min);
    expect(all.borderline).toBeLessThan(POVERTY_TARGETS.borderline.max);
    const remote = shares((code) => districts.get(code)?.remote === true);
    const urganch = shares((code) => code === '1733401');
    expect(remote.below).toBeGreaterThan(urganch.below * 1.5);
  });

  it('registers dwellings, cars and deposits for the exclusion filters', () => {
    const dwellings = rowsOf(text, 'dwelling');
    expect(new Set(dwellings.map((d) => d.cadastre_number)).size).toBe(dwellings.length);
    const residential = new Set(dwellings.filter((d) => d.kind === 'residential').map((d) => d.household_id));
    expect(residential.size).toBe(households.length);
    const extra = (dwellings.length - households.length) / households.length;
    expect(extra).toBeGreaterThan(0.01);
    expect(extra).toBeLessThan(0.08);
    expect(dwellings.some((d) => d.kind === 'non_residential')).toBe(true);

    const vehicles = rowsOf(text, 'vehicle');
    expect(new Set(vehicles.map((v) => v.plate)).size).toBe(vehicles.length);
    expect(vehicles.filter((v) => !/^9[0-4] [A-Z] \d{3} [A-Z]{2}$/.test(str(v.plate)))).toEqual([]);
    const householdOf = new Map(memberships.map((m) => [str(m.person_id), str(m.household_id)]));
    const owning = new Set(vehicles.map((v) => householdOf.get(str(v.owner_person_id))));
    expect(owning.size / households.length).toBeGreaterThan(0.18);
    expect(owning.size / households.length).toBeLessThan(0.33);
    expect(vehicles.length).toBeGreaterThan(owning.size);
    const recent = vehicles.filter((v) => Number(v.model_year) > 2026 - 7).length / vehicles.length;
    expect(recent).toBeGreaterThan(0.15);
    expect(recent).toBeLessThan(0.5);

    const deposits = rowsOf(text, 'bank_deposit');
    expect(deposits.length / households.length).toBeGreaterThan(0.05);
    expect(deposits.length / households.length).toBeLessThan(0.25);
    const large = deposits.filter(
      (d) => Number(d.balance) >= DEPOSIT_EXCLUSION_MULTIPLE * MINIMUM_WAGE,
    ).length;
    expect(large).toBeGreaterThan(0);
    expect(large / deposits.length).toBeLessThan(0.3);
  });
});
