import { describe, expect, it } from 'vitest';
import { buildTerritory } from './territory.builder.ts';

describe('territory', () => {
  const khorezm = buildTerritory('khorezm');

  it('has the 14 regions and the 11 districts and 2 cities of Khorezm', () => {
    expect(khorezm.regions).toHaveLength(14);
    expect(khorezm.districts).toHaveLength(13);
    expect(khorezm.districts.filter((d) => d.kind === 'city').map((d) => d.code)).toEqual([
      '1733401',
      '1733406',
    ]);
    const total = khorezm.districts.reduce((sum, d) => sum + d.population, 0);
    expect(total).toBeGreaterThan(1_950_000);
    expect(total).toBeLessThan(2_050_000);
  });

  it('generates mahallas in proportion to population, each inside its district', () => {
    expect(khorezm.mahallas.length).toBeGreaterThan(650);
    expect(khorezm.mahallas.length).toBeLessThan(1000);
    for (const district of khorezm.districts) {
      const mine = khorezm.mahallas.filter((m) => m.districtCode === district.code);
      expect(mine.reduce((s, m) => s + m.population, 0)).toBe(district.population);
      expect(Math.abs(mine.length - district.population / 2500)).toBeLessThanOrEqual(1);
    }
    for (const m of khorezm.mahallas) expect(m.code.startsWith(m.districtCode)).toBe(true);
    expect(new Set(khorezm.mahallas.map((m) => m.code)).size).toBe(khorezm.mahallas.length);
  });

  it('names every mahalla in four scripts and is the same on every build', () => {
    const first = khorezm.mahallas[0];
    expect(first?.uzCyrl).toMatch(/МФЙ$/);
    expect(first?.ru).toMatch(/^махалля /);
    expect(buildTerritory('khorezm').mahallas).toEqual(khorezm.mahallas);
  });

  it('covers all 14 regions in the national scope and keeps Khorezm identical', () => {
    const national = buildTerritory('uzbekistan');
    expect(new Set(national.districts.map((d) => d.regionCode)).size).toBe(14);
    const total = national.districts.reduce((sum, d) => sum + d.population, 0);
    expect(total).toBeGreaterThan(35_000_000);
    const khorezmCodes = national.districts.filter((d) => d.regionCode === '1733').map((d) => d.code);
    expect(khorezmCodes).toEqual(khorezm.districts.map((d) => d.code));
  });
});
