import { randomUUID } from 'node:crypto';
import { makePinfl } from '../../src/registry/pinfl.ts';
import { Random } from '../../src/shared/random.ts';

/** Seeded builders for request bodies; each test makes its own, nothing is shared between tests. */
export class Factory {
  private readonly random: Random;
  private serial = 0;

  constructor(seed: number) {
    this.random = new Random(seed);
  }

  person(overrides: Partial<PersonBody> = {}): PersonBody {
    const sex = overrides.sex ?? (this.random.chance(0.5) ? 'M' : 'F');
    const year = this.random.int(1950, 2010);
    const birthDate =
      overrides.birthDate ??
      `${year}-${String(this.random.int(1, 12)).padStart(2, '0')}-${String(this.random.int(1, 28)).padStart(2, '0')}`;
    this.serial += 1;
    return {
      id: randomUUID(),
      pinfl: makePinfl(birthDate, sex, '733', this.serial % 1000),
      lastName: sex === 'M' ? 'Karimov' : 'Karimova',
      firstName:
        sex === 'M' ? this.random.pick(['Aziz', 'Bobur', 'Jasur']) : this.random.pick(['Dilnoza', 'Gulnora']),
      patronymic: null,
      sex,
      birthDate,
      source: 'social_worker',
      ...overrides,
    };
  }

  household(mahallaCode: string, head: PersonBody | { personId: string }, createdOn = '2020-01-01') {
    return {
      id: randomUUID(),
      mahallaCode,
      address: "Navbahor ko'chasi, 12-uy",
      createdOn,
      head,
      source: 'social_worker',
    };
  }
}

export interface PersonBody {
  id: string;
  pinfl: string | null;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  sex: 'M' | 'F';
  birthDate: string;
  source: string;
  phone?: string | null;
}
