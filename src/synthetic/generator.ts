import type { Education, Employment, EmploymentSector, Relationship, Sex } from '../platform/db/schema.ts';
import { nameKey } from '../registry/name-key.ts';
import { makePinfl } from '../registry/pinfl.ts';
import { cumulative, Random } from '../shared/random.ts';
import { latinToCyrillic } from '../shared/transliterate.ts';
import type { District, Mahalla, Territory } from '../territory/territory.builder.ts';
import { Calendar, dayOf, isoOf, YEAR_DAYS } from './calendar.ts';
import {
  CAR_OWNERSHIP,
  DEPOSIT_EXCLUSION_MULTIPLE,
  DEPOSIT_SHARE,
  DISABILITY_GROUP_WEIGHTS,
  DISABILITY_RATE_BY_AGE,
  DISABILITY_REVIEW_YEARS,
  DUPLICATE_SHARE,
  FAMILY,
  HEAD_AGE_BANDS,
  HOMEMAKER_SHARE,
  HOUSEHOLD_INCOME_CHANCE,
  INCOME,
  KHOREZM_PLATE_CODES,
  LARGE_DEPOSIT_SHARE_OF_DEPOSITS,
  MCE_2026,
  MINIMUM_WAGE,
  NEW_CAR_SHARE,
  NON_RESIDENTIAL_SHARE,
  PHONE_SHARE,
  PINFL_MISSING_SHARE,
  type PlaceKind,
  PUBLIC_SECTOR_SHARE,
  RETIREMENT_AGE,
  SECOND_CAR_SHARE,
  SECOND_DWELLING_SHARE,
  SECURITY_SECTOR_SHARE,
  WAGE_FACTOR,
  WORK_SHARES,
} from './calibration.ts';
import { COPY_NULL, CopyWriter } from './copy-writer.ts';
import { nextUuid } from './ids.ts';
import { CAR_MAKES, FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, STREETS, SURNAMES } from './names.ts';

/** The registry tables a seed run fills, in load order. */
export const SEED_TABLES = [
  'household',
  'person',
  'membership',
  'income',
  'dwelling',
  'vehicle',
  'bank_deposit',
  'disability',
] as const;
export type SeedTable = (typeof SEED_TABLES)[number];

const PASSPORT_SERIES = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** The n-th synthetic passport number: AA0000000, AA0000001, …, AB0000000 after ten million. */
export function passportNumber(n: number): string {
  const series = Math.floor(n / 10_000_000);
  const first = PASSPORT_SERIES[Math.floor(series / 26) % 26] ?? 'A';
  const second = PASSPORT_SERIES[series % 26] ?? 'A';
  return `${first}${second}${String(n % 10_000_000).padStart(7, '0')}`;
}

/** COPY column lists; identity ids and defaulted timestamps are left to the database. */
export const COPY_COLUMNS: Record<SeedTable, readonly string[]> = {
  household: ['id', 'district_code', 'mahalla_code', 'address', 'created_on', 'source', 'source_ref'],
  person: [
    'id',
    'pinfl',
    'last_name',
    'first_name',
    'patronymic',
    'name_key',
    'sex',
    'birth_date',
    'phone',
    'passport',
    'education',
    'employment',
    'employment_sector',
    'source',
    'source_ref',
  ],
  membership: ['household_id', 'person_id', 'relationship', 'valid_from', 'source'],
  income: ['person_id', 'kind', 'monthly_amount', 'valid_from', 'source'],
  dwelling: ['household_id', 'owner_person_id', 'cadastre_number', 'kind', 'area_m2', 'source'],
  vehicle: ['owner_person_id', 'plate', 'make', 'model_year', 'source'],
  bank_deposit: ['person_id', 'balance', 'as_of', 'source'],
  disability: ['person_id', 'disability_group', 'valid_from', 'valid_to', 'source'],
};

export interface GeneratorOptions {
  households: number;
  seed: number;
  /** YYYY-MM-DD: ages, dates and "current" records are relative to it. */
  referenceDate: string;
  territory: Territory;
}

/**
 * COPY text (tab-separated, `\N` for null) for a run of households, table by table, in parts of a few
 * hundred lines (a part holding a Cyrillic name is a two-byte string; the rest stay one-byte).
 */
export interface Batch {
  households: number;
  persons: number;
  text: Record<SeedTable, string[]>;
  rows: Record<SeedTable, number>;
}

export function emptyRecord<T>(value: () => T): Record<SeedTable, T> {
  return {
    household: value(),
    person: value(),
    membership: value(),
    income: value(),
    dwelling: value(),
    vehicle: value(),
    bank_deposit: value(),
    disability: value(),
  };
}

interface Member {
  id: string;
  sex: Sex;
  birth: number;
  age: number;
  rel: Relationship;
  last: string;
  first: string;
  patr: string;
  /** Day the membership starts. */
  from: number;
  pinfl: string | null;
  employment: Employment;
  disabled: boolean;
  /** A planted second record of someone already registered. */
  duplicate: boolean;
}

interface Place {
  district: District;
  kind: PlaceKind;
  city: boolean;
  areaIndex: number;
  areaCode: string;
  plateCodes: readonly number[];
}

interface Birth {
  day: number;
  sex: Sex;
}

interface DuplicateCandidate {
  member: Member;
  householdId: string;
}

const PHONE_OPERATORS = ['90', '91', '93', '94', '95', '97', '98', '99', '33', '88', '77', '50'] as const;
const PLATE_LETTERS = 'ABCDEFHIJKLMNOPQRSTUVXYZ';
/** Plate region codes by region (Tashkent city 01, Tashkent region 10, ... Khorezm 90, Karakalpakstan 95). */
const PLATE_CODE_BY_REGION: Record<string, number> = {
  '1703': 60,
  '1706': 80,
  '1708': 25,
  '1710': 70,
  '1712': 85,
  '1714': 50,
  '1718': 30,
  '1722': 75,
  '1724': 20,
  '1726': 1,
  '1727': 10,
  '1730': 40,
  '1735': 95,
};
const CITY_CODES = new Set(['1733401', '1733406']);

// The generator writes these strings straight into COPY text, where tabs, newlines and backslashes would
// need escaping; the lists are ours, so one check at load time replaces an escape per field.
for (const value of [...MALE_FIRST_NAMES, ...FEMALE_FIRST_NAMES, ...SURNAMES, ...STREETS]) {
  if (!/^[\x20-\x5b\x5d-\x7e]+$/.test(value)) throw new Error(`Name list entry is not plain ASCII: ${value}`);
}

/** Escapes a value for COPY text format (used where text does not come from our own lists). */
export function copyEscape(value: string): string {
  return /[\t\n\r\\]/.test(value)
    ? value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
    : value;
}

/** Splits `total` households over units in proportion to their weights (largest remainder, exact). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const quotas = weights.map((w) => (total * w) / sum);
  const counts = quotas.map((q) => Math.floor(q));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas
    .map((q, i) => ({ i, rest: q - Math.floor(q) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i] = (counts[i] ?? 0) + 1;
    left -= 1;
  }
  return counts;
}

/** Area codes for PINFLs: the district code's last three digits, or a free number where those clash. */
function areaCodes(districts: readonly District[]): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  let next = 100;
  for (const d of districts) {
    let code = d.code.slice(-3);
    if (used.has(code)) {
      while (used.has(String(next))) next++;
      code = String(next);
    }
    used.add(code);
    out.set(d.code, code);
  }
  return out;
}

// Female surnames and patronymics are made once per name, so that the same string (and its cached
// hash) is reused for every person who bears it.
const FEMININE = new Map(SURNAMES.map((name) => [name, `${name}a`]));
const feminine = (surname: string) => FEMININE.get(surname) ?? `${surname}a`;
const SON_OF = new Map(MALE_FIRST_NAMES.map((name) => [name, `${name} o'g'li`]));
const DAUGHTER_OF = new Map(MALE_FIRST_NAMES.map((name) => [name, `${name} qizi`]));
const sonOf = (father: string) => SON_OF.get(father) ?? `${father} o'g'li`;
const daughterOf = (father: string) => DAUGHTER_OF.get(father) ?? `${father} qizi`;

/**
 * Generates a synthetic Khorezm (or national) population as COPY text, deterministically from a seed and
 * a reference date. One random stream drives everything, so ids never repeat within a run (mulberry32
 * visits each state once per 2^32 draws) and the output does not depend on how it is batched.
 */
export class PopulationGenerator {
  private readonly r: Random;
  private readonly ref: number;
  private readonly refYear: number;
  private readonly cal: Calendar;
  private readonly sourceRef: string;
  private readonly serials: Uint16Array;
  private readonly calendarStart: number;
  private readonly areaCount: number;
  private readonly plates = new Set<string>();
  private readonly keyCache = new Map<string, string>();
  private readonly headAgeCum = cumulative(HEAD_AGE_BANDS.map((b) => b[2]));
  private readonly members: Member[] = [];
  private dupCredit = 1;
  private dwellingSeq = 0;

  // Output of the batch being built.
  private out = emptyRecord(() => new CopyWriter());
  private rows = emptyRecord(() => 0);
  private persons = 0;
  private passports = 0;

  constructor(private readonly options: GeneratorOptions) {
    if (!Number.isInteger(options.households) || options.households < 0) {
      throw new RangeError('households must be a non-negative integer');
    }
    this.r = new Random(options.seed);
    this.ref = dayOf(options.referenceDate);
    this.cal = new Calendar('1900-01-01', isoOf(this.ref + 40 * 366));
    this.calendarStart = dayOf('1900-01-01');
    this.refYear = this.cal.year(this.ref);
    this.sourceRef = `seed:${options.seed}`;
    this.areaCount = options.territory.districts.length;
    this.serials = new Uint16Array((this.ref - this.calendarStart + 1) * 2 * this.areaCount);
  }

  /** Yields the population in batches of about `batchHouseholds` households (whole mahallas). */
  *batches(batchHouseholds = 1000): Generator<Batch> {
    const { territory, households } = this.options;
    const districts = new Map(territory.districts.map((d) => [d.code, d]));
    const areas = areaCodes(territory.districts);
    const places = new Map<string, Place>();
    territory.districts.forEach((district, areaIndex) => {
      const city = district.kind === 'city' || CITY_CODES.has(district.code);
      places.set(district.code, {
        district,
        city,
        kind: city ? 'city' : district.remote ? 'remote' : 'rural',
        areaIndex,
        areaCode: areas.get(district.code) ?? '000',
        plateCodes:
          district.regionCode === '1733'
            ? KHOREZM_PLATE_CODES
            : [PLATE_CODE_BY_REGION[district.regionCode] ?? 1],
      });
    });
    const counts = apportion(
      households,
      territory.mahallas.map((m) => m.population),
    );
    let inBatch = 0;
    for (let i = 0; i < territory.mahallas.length; i++) {
      const mahalla = territory.mahallas[i];
      const count = counts[i] ?? 0;
      if (!mahalla || count === 0) continue;
      const place = places.get(mahalla.districtCode);
      if (!place || !districts.has(mahalla.districtCode)) throw new Error(`No district for ${mahalla.code}`);
      this.mahalla(mahalla, place, count);
      inBatch += count;
      if (inBatch >= batchHouseholds) {
        yield this.flush(inBatch);
        inBatch = 0;
      }
    }
    if (inBatch > 0) yield this.flush(inBatch);
  }

  private flush(households: number): Batch {
    const text = emptyRecord((): string[] => []);
    for (const table of SEED_TABLES) text[table] = this.out[table].take();
    const batch: Batch = { households, persons: this.persons, text, rows: this.rows };
    this.rows = emptyRecord(() => 0);
    this.persons = 0;
    return batch;
  }

  // --- Households -----------------------------------------------------------------------------------

  private mahalla(mahalla: Mahalla, place: Place, count: number): void {
    const r = this.r;
    const candidates: DuplicateCandidate[] = [];
    const streets = [r.pick(STREETS), r.pick(STREETS), r.pick(STREETS), r.pick(STREETS)];
    const prefix = copyEscape(`${place.district.uzLatn}, ${mahalla.uzLatn}, `);
    const cadastrePrefix = `${mahalla.code.slice(2, 4)}:${mahalla.code.slice(4, 7)}:${mahalla.code.slice(7)}:`;
    this.dwellingSeq = 0;
    for (let h = 0; h < count; h++) {
      const householdId = nextUuid(r);
      const created = this.compose(place);
      const members = this.members;
      // A planted duplicate: someone already registered (without PINFL) in another household here.
      const candidate = candidates.length > 0 && this.dupCredit >= 1 ? candidates.pop() : undefined;
      if (candidate) {
        this.dupCredit -= 1;
        members.push(this.respelled(candidate.member, created));
      }
      this.dupCredit += DUPLICATE_SHARE * members.length;

      const street = streets[h & 3] ?? 'Mustaqillik';
      const house = r.int(1, 180);
      const address =
        place.city && r.chance(0.5)
          ? `${prefix}${street} ko'chasi, ${house}-uy, ${r.int(1, 80)}-xonadon`
          : `${prefix}${street} ko'chasi, ${house}-uy`;
      this.out.household
        .row()
        .text(householdId)
        .text(place.district.code)
        .text(mahalla.code)
        .text(address)
        .text(this.cal.iso(created))
        .text('civil_registry')
        .end(this.sourceRef);
      this.rows.household++;

      let income = 0;
      for (const m of members) {
        income += this.person(m, place);
        this.out.membership
          .row()
          .text(householdId)
          .text(m.id)
          .text(m.rel)
          .text(this.cal.iso(m.from))
          .end('civil_registry');
        this.rows.membership++;
        if (m.pinfl === null && m.age >= 18 && !m.duplicate) candidates.push({ member: m, householdId });
      }
      this.persons += members.length;
      income += this.householdIncome(members, place);
      this.assets(householdId, members, place, income / members.length, cadastrePrefix);
    }
  }

  /** Builds the members of one household into `this.members`; returns the day the household was formed. */
  private compose(place: Place): number {
    const r = this.r;
    const fam = place.city ? FAMILY.city : FAMILY.rural;
    this.members.length = 0;
    const roll = r.next();
    if (roll < fam.singleHead) return this.single();
    return this.family(place, roll < fam.singleHead + fam.femaleHead ? 'F' : 'M');
  }

  private single(): number {
    const r = this.r;
    const young = r.chance(0.5);
    const sex: Sex = young ? (r.chance(0.75) ? 'M' : 'F') : r.chance(0.7) ? 'F' : 'M';
    const age = young ? 20 + r.next() * 20 : 62 + r.next() * 28;
    const birth = this.birthOf(age);
    const created = Math.min(
      this.ref - 1,
      Math.max(birth + Math.floor((young ? 19 : 25) * YEAR_DAYS), this.ref - r.int(30, 40 * 365)),
    );
    const root = r.pick(SURNAMES);
    const head = this.add(sex, birth, 'head', root, r.pick(MALE_FIRST_NAMES), created);
    if (young && r.chance(0.15)) {
      const sibAge = Math.max(16, age - 1 - r.next() * 6);
      const sib = this.birthOf(sibAge);
      this.add(
        r.chance(0.5) ? 'M' : 'F',
        sib,
        'sibling',
        root,
        head.patr.split(' ')[0] ?? 'Alisher',
        created,
      );
    } else if (!young && r.chance(0.15)) {
      const child = this.birthOf(6 + r.next() * 12);
      this.add(
        r.chance(0.5) ? 'M' : 'F',
        child,
        'grandchild',
        root,
        r.pick(MALE_FIRST_NAMES),
        Math.max(child, created),
      );
    }
    return created;
  }

  private family(place: Place, headSex: Sex): number {
    const r = this.r;
    const fam = place.city ? FAMILY.city : FAMILY.rural;
    const ref = this.ref;
    const band = HEAD_AGE_BANDS[r.weighted(this.headAgeCum)] ?? [30, 40, 1];
    const headAge = band[0] + r.next() * (band[1] - band[0]) + (headSex === 'F' ? 4 : 0);
    const headBirth = this.birthOf(headAge);
    const root = r.pick(SURNAMES);
    const husbandFirst = r.pick(MALE_FIRST_NAMES);
    let marriageAge = headSex === 'M' ? 21 + r.next() * 8 : 18.5 + r.next() * 6;
    if (marriageAge > headAge - 0.3) marriageAge = Math.max(18, headAge - 0.3 - r.next());
    const married = Math.min(ref - 1, headBirth + Math.floor(marriageAge * YEAR_DAYS));

    let motherBirth: number;
    let head: Member;
    if (headSex === 'M') {
      head = this.addNamed(
        'M',
        headBirth,
        'head',
        root,
        husbandFirst,
        sonOf(r.pick(MALE_FIRST_NAMES)),
        married,
      );
      motherBirth = married - Math.floor((18.5 + r.next() * 6) * YEAR_DAYS);
      const widowed = headAge >= 55 && r.chance(0.04 + (headAge - 55) * 0.012);
      if (!widowed) {
        const last = r.chance(0.55) ? feminine(root) : feminine(r.pick(SURNAMES));
        this.addNamed(
          'F',
          motherBirth,
          'spouse',
          last,
          r.pick(FEMALE_FIRST_NAMES),
          daughterOf(r.pick(MALE_FIRST_NAMES)),
          married,
        );
      }
    } else {
      const last = r.chance(0.7) ? feminine(root) : feminine(r.pick(SURNAMES));
      head = this.addNamed(
        'F',
        headBirth,
        'head',
        last,
        r.pick(FEMALE_FIRST_NAMES),
        daughterOf(r.pick(MALE_FIRST_NAMES)),
        married,
      );
      motherBirth = headBirth;
    }

    // Children, born after the marriage; daughters leave when they marry, sons when they set up house,
    // except that the youngest grown son (kenja o'g'il) often stays with his wife and children.
    const births = this.births(motherBirth, married, fam.fertility);
    let stayer = -1;
    let secondStayer = -1;
    for (let i = births.length - 1; i >= 0; i--) {
      const b = births[i];
      if (b && b.sex === 'M' && (ref - b.day) / YEAR_DAYS >= 23) {
        if (stayer === -1) {
          if (!r.chance(fam.sonStays)) break;
          stayer = i;
        } else {
          if (r.chance(fam.secondSonStays)) secondStayer = i;
          break;
        }
      }
    }
    for (let i = 0; i < births.length; i++) {
      const { day: birth, sex } = births[i] ?? { day: ref - 1, sex: 'F' };
      const age = (ref - birth) / YEAR_DAYS;
      const stays =
        i === stayer ||
        i === secondStayer ||
        (sex === 'F' ? age < 20 + r.next() * 6 : age < 25 + r.next() * 9);
      if (!stays) continue;
      const child = this.addNamed(
        sex,
        birth,
        'child',
        sex === 'M' ? root : feminine(root),
        r.pick(sex === 'M' ? MALE_FIRST_NAMES : FEMALE_FIRST_NAMES),
        sex === 'M' ? sonOf(husbandFirst) : daughterOf(husbandFirst),
        Math.max(birth, married),
      );
      if (i === stayer || i === secondStayer) this.sonsFamily(child, root, fam.fertility, married);
    }

    if (headAge < 60 && r.chance(fam.parentLivesIn)) {
      const age = Math.min(96, headAge + 20 + r.next() * 12);
      const birth = this.birthOf(age);
      const from = Math.max(married, ref - r.int(30, 20 * 365), birth);
      const last = headSex === 'M' ? feminine(root) : feminine(r.pick(SURNAMES));
      this.addNamed(
        'F',
        birth,
        'parent',
        last,
        r.pick(FEMALE_FIRST_NAMES),
        daughterOf(r.pick(MALE_FIRST_NAMES)),
        from,
      );
    } else if (headAge < 36 && r.chance(0.03)) {
      const birth = this.birthOf(Math.min(98, headAge + 44 + r.next() * 12));
      const from = Math.max(married, ref - r.int(30, 10 * 365));
      this.addNamed(
        'F',
        birth,
        'grandparent',
        feminine(r.pick(SURNAMES)),
        r.pick(FEMALE_FIRST_NAMES),
        daughterOf(r.pick(MALE_FIRST_NAMES)),
        from,
      );
    }
    if (headAge < 35 && r.chance(0.05)) {
      const birth = this.birthOf(Math.max(16, headAge - 2 - r.next() * 8));
      const sex: Sex = r.chance(0.5) ? 'M' : 'F';
      const father = head.patr.split(' ')[0] ?? husbandFirst;
      this.add(sex, birth, 'sibling', root, father, Math.max(married, birth));
    }
    if (r.chance(0.01)) {
      const birth = this.birthOf(6 + r.next() * 19);
      this.add(
        r.chance(0.5) ? 'M' : 'F',
        birth,
        'other',
        r.pick(SURNAMES),
        r.pick(MALE_FIRST_NAMES),
        Math.max(married, birth, ref - r.int(30, 3000)),
      );
    }
    return married;
  }

  /** The staying son's wife (a child-in-law to the head) and their children (grandchildren). */
  private sonsFamily(son: Member, root: string, fertility: number, householdFormed: number): void {
    const r = this.r;
    const marriedAt = 22 + r.next() * 5;
    if (son.age < marriedAt) return;
    const married = Math.max(householdFormed, son.birth + Math.floor(marriedAt * YEAR_DAYS));
    if (married >= this.ref) return;
    const wifeBirth = married - Math.floor((18.5 + r.next() * 5) * YEAR_DAYS);
    const last = r.chance(0.5) ? feminine(root) : feminine(r.pick(SURNAMES));
    this.addNamed(
      'F',
      wifeBirth,
      'child_in_law',
      last,
      r.pick(FEMALE_FIRST_NAMES),
      daughterOf(r.pick(MALE_FIRST_NAMES)),
      married,
    );
    for (const { day: birth, sex } of this.births(wifeBirth, married, fertility)) {
      const age = (this.ref - birth) / YEAR_DAYS;
      if (age >= (sex === 'F' ? 20 : 25)) continue;
      this.addNamed(
        sex,
        birth,
        'grandchild',
        sex === 'M' ? root : feminine(root),
        r.pick(sex === 'M' ? MALE_FIRST_NAMES : FEMALE_FIRST_NAMES),
        sex === 'M' ? sonOf(son.first) : daughterOf(son.first),
        birth,
      );
    }
  }

  /** A mother's children born after `from` (a Poisson number, spaced 15 to 55 months apart). */
  private births(motherBirth: number, from: number, fertility: number): Birth[] {
    const r = this.r;
    const out: Birth[] = [];
    const wanted = poisson(r, fertility);
    const lastFertileDay = motherBirth + Math.floor(43 * YEAR_DAYS);
    let day = from + r.int(290, 900);
    for (let i = 0; i < wanted && day < this.ref - 1 && day < lastFertileDay; i++) {
      out.push({ day, sex: r.chance(0.512) ? 'M' : 'F' });
      day += r.int(450, 1700);
    }
    return out;
  }

  private birthOf(age: number): number {
    return Math.min(this.ref - 1, this.ref - Math.floor(age * YEAR_DAYS));
  }

  /** Adds a member whose surname and patronymic follow the family's (children, siblings). */
  private add(
    sex: Sex,
    birth: number,
    rel: Relationship,
    maleRoot: string,
    fatherFirst: string,
    from: number,
  ): Member {
    const r = this.r;
    const first = r.pick(sex === 'M' ? MALE_FIRST_NAMES : FEMALE_FIRST_NAMES);
    return this.addNamed(
      sex,
      birth,
      rel,
      sex === 'M' ? maleRoot : feminine(maleRoot),
      first,
      sex === 'M' ? sonOf(fatherFirst) : daughterOf(fatherFirst),
      from,
    );
  }

  private addNamed(
    sex: Sex,
    birth: number,
    rel: Relationship,
    last: string,
    first: string,
    patr: string,
    from: number,
  ): Member {
    const member: Member = {
      id: nextUuid(this.r),
      sex,
      birth,
      age: (this.ref - birth) / YEAR_DAYS,
      rel,
      last,
      first,
      patr,
      from: Math.min(this.ref - 1, Math.max(from, birth)),
      pinfl: null,
      employment: 'none',
      disabled: false,
      duplicate: false,
    };
    this.members.push(member);
    return member;
  }

  /** The same person typed again by another clerk: another script or spelling, the same name key. */
  private respelled(original: Member, householdFormed: number): Member {
    const r = this.r;
    const variants: ((s: string) => string)[] = [
      latinToCyrillic,
      (s) => s.replace(/'/g, ''),
      (s) => s.replace(/X/g, 'H').replace(/x/g, 'h'),
    ];
    const originalKey = nameKey(original.last, original.first, original.patr);
    const start = r.int(0, variants.length - 1);
    let names = [original.last, original.first, original.patr];
    for (let k = 0; k < variants.length; k++) {
      const variant = variants[(start + k) % variants.length] ?? latinToCyrillic;
      const candidate = [variant(original.last), variant(original.first), variant(original.patr)];
      const changed = candidate.some((part, i) => part !== names[i]);
      if (changed && nameKey(candidate[0], candidate[1], candidate[2]) === originalKey) {
        names = candidate;
        break;
      }
    }
    return {
      id: nextUuid(r),
      sex: original.sex,
      birth: original.birth,
      age: original.age,
      rel: 'other',
      last: names[0] ?? original.last,
      first: names[1] ?? original.first,
      patr: names[2] ?? original.patr,
      from: Math.min(this.ref - 1, Math.max(householdFormed, this.ref - r.int(30, 2000))),
      pinfl: null,
      employment: 'none',
      disabled: false,
      duplicate: true,
    };
  }

  // --- Persons --------------------------------------------------------------------------------------

  /** Writes the person and their disability and income rows; returns their monthly income. */
  private person(m: Member, place: Place): number {
    const r = this.r;
    const age = m.age;
    m.pinfl = m.duplicate || r.chance(PINFL_MISSING_SHARE) ? null : this.pinfl(m, place);

    let phone = -1;
    let phoneOperator = 0;
    const phoneShare =
      age >= 70 ? PHONE_SHARE.elderly : age >= 18 ? PHONE_SHARE.adult : age >= 14 ? PHONE_SHARE.teen : 0;
    if (phoneShare > 0 && r.chance(phoneShare)) {
      phoneOperator = r.int(0, PHONE_OPERATORS.length - 1);
      phone = r.int(0, 9_999_999);
    }

    let group = '';
    if (r.chance(disabilityRate(age))) {
      m.disabled = true;
      group = age < 18 ? 'child' : this.adultGroup(age);
      this.disability(m, group);
    }

    let education: Education;
    let employment: Employment;
    let sector: EmploymentSector | null = null;
    if (age < 3) {
      education = 'none';
      employment = 'child';
    } else if (age < 7) {
      education = r.chance(0.7) ? 'preschool' : 'none';
      employment = 'child';
    } else if (age < 14) {
      education = 'school';
      employment = 'child';
    } else if (age < 18) {
      const roll = r.next();
      education = age < 15 || roll < 0.78 ? 'school' : roll < 0.88 ? 'college' : 'vocational';
      employment = 'student';
    } else {
      const studying = age < 20 ? 0.42 : age < 23 ? 0.3 : age < 26 ? 0.1 : age < 31 ? 0.03 : 0;
      if (studying > 0 && r.chance(studying)) {
        const roll = r.next();
        education = roll < 0.6 ? 'university' : roll < 0.85 ? 'college' : 'vocational';
        employment = 'student';
      } else {
        const roll = r.next();
        education =
          age >= 22 && roll < 0.2
            ? 'graduated'
            : roll < 0.5
              ? 'college'
              : roll < 0.65
                ? 'vocational'
                : 'school';
        if (age >= RETIREMENT_AGE[m.sex]) employment = 'retired';
        else if ((group === 'I' || group === 'II') && r.chance(0.6)) employment = 'none';
        else if (m.sex === 'F' && r.chance(HOMEMAKER_SHARE[place.kind])) employment = 'homemaker';
        else if (m.sex === 'M' && age < 45 && r.chance(0.015)) {
          employment = 'military';
          sector = 'security';
        } else {
          const shares = WORK_SHARES[place.kind];
          const roll = r.next() * (shares.formal + shares.informal + shares.selfEmployed + shares.unemployed);
          if (roll < shares.formal) {
            employment = 'employed_formal';
            const s = r.next();
            sector =
              s < SECURITY_SECTOR_SHARE
                ? 'security'
                : s < SECURITY_SECTOR_SHARE + PUBLIC_SECTOR_SHARE
                  ? 'public'
                  : 'private';
          } else if (roll < shares.formal + shares.informal) employment = 'employed_informal';
          else if (roll < shares.formal + shares.informal + shares.selfEmployed) employment = 'self_employed';
          else employment = 'unemployed';
        }
      }
    }
    m.employment = employment;

    const w = this.out.person
      .row()
      .text(m.id)
      .text(m.pinfl ?? COPY_NULL)
      .text(m.last)
      .text(m.first)
      .text(m.patr)
      .raw(this.partKey(m.last))
      .raw('|')
      .raw(this.partKey(m.first))
      .raw('|')
      .text(this.partKey(m.patr))
      .text(m.sex)
      .text(this.cal.iso(m.birth));
    if (phone < 0) w.text(COPY_NULL);
    else
      w.raw('+998')
        .raw(PHONE_OPERATORS[phoneOperator] ?? '90')
        .padded(phone, 7)
        .tab();
    // A passport from 16 (ID card); numbered in order, so unique within a seed (seeds load into an empty
    // registry only): two letters from the count's millions, seven digits.
    if (age < 16 || m.duplicate) w.text(COPY_NULL);
    else w.text(passportNumber(this.passports++));
    w.text(education)
      .text(employment)
      .text(sector ?? COPY_NULL)
      .text('civil_registry')
      .end(this.sourceRef);
    this.rows.person++;
    // A duplicate's income is already on the original record.
    return m.duplicate ? 0 : this.income(m, place, group, sector);
  }

  private pinfl(m: Member, place: Place): string | null {
    const slot =
      ((m.birth - this.calendarStart) * 2 + (m.sex === 'M' ? 0 : 1)) * this.areaCount + place.areaIndex;
    const serial = this.serials[slot] ?? 0;
    if (serial >= 999)
      throw new RangeError('More than 999 persons of one sex born on one day in one district');
    this.serials[slot] = serial + 1;
    return makePinfl(this.cal.iso(m.birth), m.sex, place.areaCode, serial + 1);
  }

  /** nameKey folds each part of a name on its own, so each distinct part is folded once and cached. */
  private partKey(part: string): string {
    let key = this.keyCache.get(part);
    if (key === undefined) {
      key = nameKey(part);
      this.keyCache.set(part, key);
    }
    return key;
  }

  private adultGroup(age: number): string {
    const weights = age >= 55 ? DISABILITY_GROUP_WEIGHTS.old : DISABILITY_GROUP_WEIGHTS.young;
    const roll = this.r.next();
    return roll < weights[0] ? 'I' : roll < weights[0] + weights[1] ? 'II' : 'III';
  }

  private disability(m: Member, group: string): void {
    const r = this.r;
    const ref = this.ref;
    let from: number;
    let to: number | null;
    if (group === 'child') {
      from = Math.max(m.birth + r.int(60, 900), ref - r.int(30, 6 * 365));
      to = m.birth + Math.floor(18 * YEAR_DAYS);
    } else {
      const openEnded = m.age >= RETIREMENT_AGE[m.sex] || r.chance(0.3);
      const years = DISABILITY_REVIEW_YEARS[group as 'I' | 'II' | 'III'];
      if (openEnded) {
        from = ref - r.int(30, 12 * 365);
        to = null;
      } else {
        // The certificate in force: issued at the last re-examination, running to the next.
        from = ref - r.int(15, Math.floor(years * 365) - 15);
        to = from + Math.round(years * 365);
      }
      from = Math.max(from, m.birth + Math.floor(18 * YEAR_DAYS));
    }
    from = Math.min(from, ref - 1);
    if (to !== null && to <= from) to = from + 365;
    this.out.disability
      .row()
      .text(m.id)
      .text(group)
      .text(this.cal.iso(from))
      .text(to === null ? COPY_NULL : this.cal.iso(to))
      .end('medical');
    this.rows.disability++;
  }

  private income(m: Member, place: Place, group: string, sector: EmploymentSector | null): number {
    const r = this.r;
    const wage = WAGE_FACTOR[place.kind];
    switch (m.employment) {
      case 'employed_formal':
      case 'military':
        return this.incomeRow(
          m,
          'wage',
          'tax',
          lognormal(r, INCOME.wage, wage * (sector === 'security' ? 1.3 : 1)),
        );
      case 'self_employed':
        return this.incomeRow(m, 'business', 'tax', lognormal(r, INCOME.business, wage));
      case 'employed_informal':
        if (!r.chance(INCOME.informal.recordedShare)) return 0;
        return this.incomeRow(
          m,
          place.city ? 'other' : 'agriculture',
          'social_worker',
          lognormal(r, INCOME.informal, wage),
        );
      case 'retired':
        return this.incomeRow(m, 'pension', 'pension_fund', lognormal(r, INCOME.pension, 1));
      case 'none':
        if (m.disabled && (group === 'I' || group === 'II')) {
          return this.incomeRow(m, 'pension', 'pension_fund', lognormal(r, INCOME.disabilityPension, 1));
        }
        return 0;
      default:
        return 0;
    }
  }

  private incomeRow(m: Member, kind: string, source: string, amount: number): number {
    const adult = m.birth + Math.floor(18 * YEAR_DAYS);
    const from = Math.min(this.ref - 60, Math.max(adult, this.ref - this.r.int(95, 12 * 365)));
    this.out.income.row().text(m.id).text(kind).int(amount).text(this.cal.monthStart(from)).end(source);
    this.rows.income++;
    return amount;
  }

  private householdIncome(members: readonly Member[], place: Place): number {
    const r = this.r;
    const head = members[0];
    if (!head) return 0;
    let total = 0;
    const chance = HOUSEHOLD_INCOME_CHANCE[place.kind];
    if (r.chance(chance.agriculture)) {
      total += this.incomeRow(head, 'agriculture', 'social_worker', lognormal(r, INCOME.agriculture, 1));
    }
    if (r.chance(chance.remittance)) {
      const spouse = members.find((m) => m.rel === 'spouse');
      const receiver = spouse && r.chance(0.4) ? spouse : head;
      total += this.incomeRow(receiver, 'remittance', 'social_worker', lognormal(r, INCOME.remittance, 1));
    }
    return total;
  }

  // --- Property -------------------------------------------------------------------------------------

  private assets(
    householdId: string,
    members: readonly Member[],
    place: Place,
    perCapita: number,
    cadastrePrefix: string,
  ): void {
    const r = this.r;
    const head = members[0];
    if (!head) return;
    const wealth = perCapita >= 1.5 * MCE_2026 ? 1.3 : perCapita >= MCE_2026 ? 0.85 : 0.4;

    this.dwelling(householdId, r.chance(0.96) ? head.id : COPY_NULL, 'residential', place, cadastrePrefix);
    if (r.chance(SECOND_DWELLING_SHARE * wealth))
      this.dwelling(householdId, head.id, 'residential', place, cadastrePrefix);
    if (r.chance(NON_RESIDENTIAL_SHARE * wealth)) {
      this.dwelling(householdId, head.id, 'non_residential', place, cadastrePrefix);
    }

    if (r.chance(Math.min(0.9, CAR_OWNERSHIP[place.kind] * wealth * 1.05))) {
      const adults = members.filter((m) => m.age >= 18 && m.sex === 'M');
      this.vehicle(r.chance(0.8) || adults.length === 0 ? head : r.pick(adults), place);
      if (r.chance(SECOND_CAR_SHARE)) this.vehicle(adults.length > 0 ? r.pick(adults) : head, place);
    }

    if (r.chance(DEPOSIT_SHARE * wealth)) {
      const spouse = members.find((m) => m.rel === 'spouse');
      const owner = spouse && r.chance(0.35) ? spouse : head;
      const large = DEPOSIT_EXCLUSION_MULTIPLE * MINIMUM_WAGE;
      const balance = r.chance(LARGE_DEPOSIT_SHARE_OF_DEPOSITS)
        ? large + Math.round((r.next() * r.next() * 25 * MINIMUM_WAGE) / 1000) * 1000
        : Math.min(large - 1000, lognormal(r, { median: 2_000_000, sigma: 0.8, floor: 50_000 }, 1));
      this.out.bank_deposit
        .row()
        .text(owner.id)
        .int(balance)
        .text(this.cal.iso(this.ref - 1))
        .end('bank');
      this.rows.bank_deposit++;
    }
  }

  private dwelling(
    householdId: string,
    owner: string,
    kind: string,
    place: Place,
    cadastrePrefix: string,
  ): void {
    const r = this.r;
    this.dwellingSeq++;
    const tenths =
      kind === 'non_residential'
        ? r.int(150, 2500)
        : place.city && r.chance(0.6)
          ? r.int(320, 1200)
          : r.int(700, 3200);
    this.out.dwelling
      .row()
      .text(householdId)
      .text(owner)
      .raw(cadastrePrefix)
      .padded(this.dwellingSeq, 5)
      .tab()
      .text(kind)
      .digits(Math.floor(tenths / 10))
      .raw('.')
      .digits(tenths % 10)
      .tab()
      .end('cadastre');
    this.rows.dwelling++;
  }

  private vehicle(owner: Member, place: Place): void {
    const r = this.r;
    const roll = r.next();
    let year: number;
    let make: string;
    if (roll < NEW_CAR_SHARE) {
      year = this.refYear - r.int(0, 6);
      make = r.pick(CAR_MAKES.recent);
    } else if (roll < 0.82) {
      year = r.int(2005, this.refYear - 7);
      make = r.pick(CAR_MAKES.middle);
    } else {
      year = r.int(1978, 2004);
      make = r.pick(CAR_MAKES.old);
    }
    let plate = '';
    do {
      const code = String(r.pick(place.plateCodes)).padStart(2, '0');
      const letter = PLATE_LETTERS.charAt(r.int(0, PLATE_LETTERS.length - 1));
      const tail = `${PLATE_LETTERS.charAt(r.int(0, PLATE_LETTERS.length - 1))}${PLATE_LETTERS.charAt(r.int(0, PLATE_LETTERS.length - 1))}`;
      plate = `${code} ${letter} ${String(r.int(1, 999)).padStart(3, '0')} ${tail}`;
    } while (this.plates.has(plate));
    this.plates.add(plate);
    this.out.vehicle.row().text(owner.id).text(plate).text(make).int(year).end('vehicle_registry');
    this.rows.vehicle++;
  }
}

function disabilityRate(age: number): number {
  for (const band of DISABILITY_RATE_BY_AGE) if (age < band.below) return band.rate;
  return 0;
}

function poisson(r: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = r.next();
  while (p > limit && k < 12) {
    k++;
    p *= r.next();
  }
  return k;
}

function lognormal(
  r: Random,
  spec: { median: number; sigma: number; floor: number },
  factor: number,
): number {
  const value = spec.median * factor * Math.exp(spec.sigma * r.normal());
  return Math.max(spec.floor, Math.round(value / 1000) * 1000);
}
