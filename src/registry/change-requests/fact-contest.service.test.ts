import { describe, expect, it } from 'vitest';
import { agencyOfSource } from '../../shared/report-facts.ts';
import { agencyOf } from './fact-contest.service.ts';

describe('the agency a contested fact is sent to', () => {
  it('reads the source codes as the feeds and the synthetic loader spell them', () => {
    expect(agencyOfSource('vehicle_registry')).toBe('vehicles');
    expect(agencyOfSource('banks:xalq_banki')).toBe('banks');
    expect(agencyOfSource('bank')).toBe('banks');
    expect(agencyOfSource('tax')).toBe('tax');
    expect(agencyOfSource('mahalla_committee')).toBe('mahalla');
    expect(agencyOfSource('test')).toBeUndefined();
  });

  it("is the rows' one agency, else the fact's owner", () => {
    expect(agencyOf('income', ['pension_fund'])).toBe('pension_fund');
    expect(agencyOf('income', ['social_worker', 'social_worker'])).toBe('social_worker');
    expect(agencyOf('income', ['tax', 'pension_fund'])).toBe('tax');
    expect(agencyOf('income', [])).toBe('tax');
    expect(agencyOf('dwelling', ['test'])).toBe('cadastre');
    expect(agencyOf('disability', [])).toBe('medical');
    expect(agencyOf('membership', ['civil_registry'])).toBe('civil_registry');
    expect(agencyOf('hardship', [])).toBe('mahalla');
  });
});
