import type { Month } from '../rules/dates.ts';
import {
  allocatePersonColumns,
  checkPopulation,
  type IdList,
  type PersonColumns,
  type PopulationColumns,
} from '../rules/population.ts';
import { PackedUuids, uuidAt } from './packed-uuids.ts';
import { type FactRow, HOUSEHOLD_FACT_COLUMNS, MEMBER_RECORD_BYTES } from './population.query.ts';

/**
 * Builds the engine's columns from fact rows (population.query.ts), ordered by household: from row objects
 * (a few households) or straight from the bytes of a binary COPY (a whole month), without one JavaScript
 * object per row. The arrays grow as rows come (the size of a month is known only roughly beforehand).
 */

type Growable = Int32Array | Uint8Array | Float64Array;

function grown<T extends Growable>(array: T, capacity: number): T {
  const next = new (array.constructor as new (n: number) => T)(capacity);
  next.set(array);
  return next;
}

/** Each person column mapped to one of the same type (grown, or cut to the persons read). */
function columnsOf(person: PersonColumns, map: <T extends Growable>(column: T) => T): PersonColumns {
  const out = {} as Record<keyof PersonColumns, Growable>;
  for (const key of Object.keys(person) as (keyof PersonColumns)[]) out[key] = map(person[key]);
  return out as PersonColumns;
}

class ColumnsBuilder {
  persons = 0;
  households = 0;
  #personCapacity: number;
  #householdCapacity: number;
  /** The engine's person columns, with room beyond `persons` (replaced when they grow). */
  person: PersonColumns;
  personIdBytes: Uint8Array;
  readonly householdIds: string[] = [];
  householdDistrict: Int32Array;
  residential: Uint8Array;
  nonResidential: Uint8Array;
  readonly #districtIndex = new Map<string, number>();
  readonly #districts: string[] = [];

  constructor(personEstimate: number, householdEstimate: number) {
    const p = Math.max(16, Math.ceil(personEstimate * 1.01) + 1024);
    const h = Math.max(16, Math.ceil(householdEstimate * 1.01) + 256);
    this.#personCapacity = p;
    this.#householdCapacity = h;
    this.person = allocatePersonColumns(p);
    this.personIdBytes = new Uint8Array(p * 16);
    this.householdDistrict = new Int32Array(h);
    this.residential = new Uint8Array(h);
    this.nonResidential = new Uint8Array(h);
  }

  /** Room for one more person; returns its index. */
  nextPerson(): number {
    this.reserve(1);
    return this.persons++;
  }

  /** Room for `n` more persons (the arrays may be replaced: read them after this). */
  reserve(n: number): void {
    if (this.persons + n > this.#personCapacity) {
      const c = Math.ceil(Math.max(this.#personCapacity * 1.5, this.persons + n));
      this.#personCapacity = c;
      this.person = columnsOf(this.person, (column) => grown(column, c));
      this.personIdBytes = grown(this.personIdBytes, c * 16);
    }
  }

  addHousehold(id: string, district: string, residential: number, nonResidential: number): void {
    if (this.households === this.#householdCapacity) {
      const c = Math.ceil(this.#householdCapacity * 1.5);
      this.#householdCapacity = c;
      this.householdDistrict = grown(this.householdDistrict, c);
      this.residential = grown(this.residential, c);
      this.nonResidential = grown(this.nonResidential, c);
    }
    let d = this.#districtIndex.get(district);
    if (d === undefined) {
      d = this.#districts.length;
      this.#districtIndex.set(district, d);
      this.#districts.push(district);
    }
    const h = this.households++;
    this.householdIds.push(id);
    this.householdDistrict[h] = d;
    this.residential[h] = residential;
    this.nonResidential[h] = nonResidential;
  }

  finish(month: Month, personIds: IdList): PopulationColumns {
    const n = this.persons;
    const k = this.households;
    // Districts are listed in code order, as every population of the engine lists them.
    const districts = [...this.#districts].sort();
    const remap = this.#districts.map((code) => districts.indexOf(code));
    const district = new Int32Array(k);
    for (let h = 0; h < k; h++) district[h] = remap[this.householdDistrict[h] ?? 0] ?? 0;
    const result: PopulationColumns = {
      month: month.key,
      personCount: n,
      householdCount: k,
      districts,
      person: columnsOf(this.person, (column) => column.subarray(0, n) as typeof column),
      household: {
        district,
        residentialDwellings: this.residential.subarray(0, k),
        nonResidentialProperties: this.nonResidential.subarray(0, k),
        previousCategory: new Uint8Array(k),
        mahallaHardship: new Uint8Array(k),
      },
      householdIds: this.householdIds,
      personIds,
    };
    checkPopulation(result);
    return result;
  }
}

/** Columns from fact rows ordered by FACT_ORDER (the direct load of some households). */
export function columnsFromRows(month: Month, rows: readonly FactRow[]): PopulationColumns {
  const b = new ColumnsBuilder(rows.length, rows.length);
  const personIds: string[] = [];
  let previous: string | undefined;
  for (const row of rows) {
    if (row.household_id !== previous) {
      b.addHousehold(row.household_id, row.district_code, row.residential, row.non_residential);
      previous = row.household_id;
    }
    const i = b.nextPerson();
    personIds.push(row.person_id);
    b.person.household[i] = b.households - 1;
    b.person.role[i] = row.role;
    b.person.sex[i] = row.sex;
    b.person.birthDay[i] = row.birth_day;
    b.person.disability[i] = row.disability;
    b.person.employment[i] = row.employment;
    b.person.sector[i] = row.sector;
    b.person.formalEmploymentStart[i] = row.formal_start_day;
    b.person.income3m[i] = row.income_3m;
    b.person.vehicles[i] = row.vehicles;
    b.person.newestVehicleYear[i] = row.newest_vehicle_year;
    b.person.deposits[i] = row.deposits;
  }
  return b.finish(month, personIds);
}

const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
const FIELDS = HOUSEHOLD_FACT_COLUMNS.length;
/** Byte length of each field of population_fact's COPY; 0 = variable (district code, members). */
const WIDTHS = [16, 0, 2, 2, 4, 0];

/** A district code (SOATO digits) as text; shorter than a TextDecoder call for a few bytes. */
function asciiAt(bytes: Uint8Array, at: number, length: number): string {
  let text = '';
  for (let k = 0; k < length; k++) text += String.fromCharCode(bytes[at + k] ?? 0);
  return text;
}

/**
 * Reads the binary COPY of population_fact (HOUSEHOLD_FACT_COLUMNS, ordered by household) chunk by chunk
 * into the columns: one row per household, its members' fixed-width records (MEMBER_RECORD_BYTES) read in
 * a tight loop. A row split between two chunks is kept until the next one completes it.
 */
export class BinaryFactsReader {
  readonly #builder: ColumnsBuilder;
  #pending: Uint8Array = new Uint8Array(0);
  #headerRead = false;
  #ended = false;
  readonly #offsets = new Int32Array(FIELDS);
  readonly #lengths = new Int32Array(FIELDS);

  constructor(personEstimate: number, householdEstimate: number) {
    this.#builder = new ColumnsBuilder(personEstimate, householdEstimate);
  }

  push(chunk: Uint8Array): void {
    let bytes = chunk;
    if (this.#pending.length > 0) {
      bytes = new Uint8Array(this.#pending.length + chunk.length);
      bytes.set(this.#pending);
      bytes.set(chunk, this.#pending.length);
    }
    const used = this.#parse(bytes);
    this.#pending = used === bytes.length ? new Uint8Array(0) : bytes.slice(used);
  }

  finish(month: Month): PopulationColumns {
    if (!this.#ended || this.#pending.length > 0) throw new Error('The binary COPY of the facts ended early');
    const b = this.#builder;
    return b.finish(month, new PackedUuids(b.personIdBytes.subarray(0, b.persons * 16)));
  }

  /** Parses every complete row of `bytes`; returns how many bytes it used. */
  #parse(bytes: Uint8Array): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const end = bytes.length;
    let at = 0;
    if (!this.#headerRead) {
      if (end < 19) return 0;
      for (let k = 0; k < SIGNATURE.length; k++) {
        if (bytes[k] !== SIGNATURE[k]) throw new Error('Not a binary COPY');
      }
      const extension = view.getInt32(15);
      if (end < 19 + extension) return 0;
      at = 19 + extension;
      this.#headerRead = true;
    }
    const offsets = this.#offsets;
    const lengths = this.#lengths;
    const b = this.#builder;
    while (at + 2 <= end) {
      const fields = view.getInt16(at);
      if (fields === -1) {
        this.#ended = true;
        return at + 2;
      }
      if (fields !== FIELDS) throw new Error(`A fact row has ${fields} fields, not ${FIELDS}`);
      // Find every field of the row first: a row cut by the end of the chunk waits for the next one.
      let p = at + 2;
      let complete = true;
      for (let f = 0; f < FIELDS; f++) {
        if (p + 4 > end) {
          complete = false;
          break;
        }
        const length = view.getInt32(p);
        const width = WIDTHS[f] ?? 0;
        if (length < 0 || (width !== 0 && length !== width)) {
          throw new Error(`Fact field ${f} has length ${length}`);
        }
        offsets[f] = p + 4;
        lengths[f] = length;
        p += 4 + length;
        if (p > end) {
          complete = false;
          break;
        }
      }
      if (!complete) break;

      const d = offsets[1] ?? 0;
      b.addHousehold(
        uuidAt(bytes, offsets[0] ?? 0),
        asciiAt(bytes, d, lengths[1] ?? 0),
        view.getInt16(offsets[2] ?? 0),
        view.getInt16(offsets[3] ?? 0),
      );
      const count = view.getInt32(offsets[4] ?? 0);
      if ((lengths[5] ?? 0) !== count * MEMBER_RECORD_BYTES) {
        throw new Error(`A household's members take ${lengths[5]} bytes for ${count} members`);
      }
      const h = b.households - 1;
      b.reserve(count);
      // The arrays in locals, and person ids copied as four 32-bit words (byte order kept: little-endian
      // reads into a platform-order array): this loop runs once per person.
      const first = b.persons;
      const household = b.person.household;
      const birthDay = b.person.birthDay;
      const formal = b.person.formalEmploymentStart;
      const income = b.person.income3m;
      const deposits = b.person.deposits;
      const newest = b.person.newestVehicleYear;
      const role = b.person.role;
      const sex = b.person.sex;
      const employment = b.person.employment;
      const sector = b.person.sector;
      const disability = b.person.disability;
      const vehicles = b.person.vehicles;
      const ids = new Int32Array(
        b.personIdBytes.buffer,
        b.personIdBytes.byteOffset,
        b.personIdBytes.length / 4,
      );
      let r = offsets[5] ?? 0;
      for (let k = 0; k < count; k++, r += MEMBER_RECORD_BYTES) {
        const i = first + k;
        household[i] = h;
        const w = i * 4;
        ids[w] = view.getInt32(r, true);
        ids[w + 1] = view.getInt32(r + 4, true);
        ids[w + 2] = view.getInt32(r + 8, true);
        ids[w + 3] = view.getInt32(r + 12, true);
        birthDay[i] = view.getInt32(r + 16);
        formal[i] = view.getInt32(r + 20);
        income[i] = view.getFloat64(r + 24);
        deposits[i] = view.getFloat64(r + 32);
        newest[i] = view.getInt16(r + 40);
        role[i] = view.getUint8(r + 42);
        sex[i] = view.getUint8(r + 43);
        employment[i] = view.getUint8(r + 44);
        sector[i] = view.getUint8(r + 45);
        disability[i] = view.getUint8(r + 46);
        vehicles[i] = view.getUint8(r + 47);
      }
      b.persons = first + count;
      at = p;
    }
    return at;
  }
}
