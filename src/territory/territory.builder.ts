import { cumulative, Random } from '../shared/random.ts';
import { latinToCyrillic, latinToEnglish, uzCyrillicToRussian } from '../shared/transliterate.ts';
import {
  type DistrictData,
  KHOREZM_CODE,
  KHOREZM_DISTRICTS,
  MAHALLA_NAME_STEMS,
  PEOPLE_PER_MAHALLA,
  REGIONS,
  type RegionData,
} from './territory.data.ts';

export type TerritoryScope = 'khorezm' | 'uzbekistan';

export interface District extends DistrictData {
  regionCode: string;
  population: number;
}

export interface Mahalla {
  code: string;
  districtCode: string;
  uzLatn: string;
  uzCyrl: string;
  ru: string;
  en: string;
  population: number;
}

export interface Territory {
  regions: readonly RegionData[];
  districts: District[];
  mahallas: Mahalla[];
}

// Mahallas are the same for every population seed: they are geography, not sample.
const TERRITORY_SEED = 1733;
const PEOPLE_PER_SYNTHETIC_DISTRICT = 200_000;

function syntheticDistricts(region: RegionData): District[] {
  const count = Math.max(1, Math.round((region.populationThousands * 1000) / PEOPLE_PER_SYNTHETIC_DISTRICT));
  const stem = region.uzLatn.split(' ')[0] ?? region.uzLatn;
  const enStem = region.en.replace(/ (Region|City)$/, '').replace(/^Republic of /, '');
  const population = Math.round((region.populationThousands * 1000) / count);
  return Array.from({ length: count }, (_, i) => {
    const n = i + 1;
    const uzLatn = `${stem} ${n}-tumani`;
    const uzCyrl = latinToCyrillic(uzLatn);
    return {
      // Outside Khorezm the real district list is not part of our reference data: these stand-ins are
      // numbered and marked so that nobody mistakes them for official units.
      code: `${region.code}9${String(n).padStart(2, '0')}`,
      kind: 'district' as const,
      uzLatn,
      uzCyrl,
      ru: `${uzCyrillicToRussian(latinToCyrillic(stem))}, район ${n} (синтетический)`,
      en: `${enStem} synthetic district ${n}`,
      populationThousands: population / 1000,
      remote: false,
      regionCode: region.code,
      population,
    };
  });
}

function mahallasFor(district: District): Mahalla[] {
  const random = new Random(TERRITORY_SEED * 31 + Number(district.code));
  const count = Math.max(1, Math.round(district.population / PEOPLE_PER_MAHALLA));
  // Sizes vary +-40% around the mean, then are scaled to add up to the district's population exactly.
  const weights = Array.from({ length: count }, () => 0.6 + random.next() * 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  const populations = weights.map((w) => Math.floor((w / total) * district.population));
  const shortfall = district.population - populations.reduce((a, b) => a + b, 0);
  populations[0] = (populations[0] ?? 0) + shortfall;
  const used = new Map<string, number>();
  return populations.map((population, i) => {
    const stem = random.pick(MAHALLA_NAME_STEMS);
    const seen = (used.get(stem) ?? 0) + 1;
    used.set(stem, seen);
    const uzLatnName = seen === 1 ? stem : `${stem}-${seen}`;
    const uzCyrlName = latinToCyrillic(uzLatnName);
    return {
      code: `${district.code}${String(i + 1).padStart(3, '0')}`,
      districtCode: district.code,
      uzLatn: `${uzLatnName} MFY`,
      uzCyrl: `${uzCyrlName} МФЙ`,
      ru: `махалля ${uzCyrillicToRussian(uzCyrlName)}`,
      en: `${latinToEnglish(uzLatnName)} mahalla`,
      population,
    };
  });
}

/** The territory for a scope: all 14 regions always; districts and mahallas of Khorezm, or of all. */
export function buildTerritory(scope: TerritoryScope): Territory {
  const khorezm: District[] = KHOREZM_DISTRICTS.map((d) => ({
    ...d,
    regionCode: KHOREZM_CODE,
    population: Math.round(d.populationThousands * 1000),
  }));
  const districts =
    scope === 'khorezm'
      ? khorezm
      : REGIONS.flatMap((region) => (region.code === KHOREZM_CODE ? khorezm : syntheticDistricts(region)));
  const mahallas = districts.flatMap((district) => mahallasFor(district));
  return { regions: REGIONS, districts, mahallas };
}

/** Cumulative population weights, for drawing a mahalla in proportion to its people. */
export function mahallaWeights(mahallas: readonly Mahalla[]): Float64Array {
  return cumulative(mahallas.map((m) => m.population));
}
