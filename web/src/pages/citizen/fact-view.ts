import {
  agencyOfSource,
  DEFAULT_AGENCY,
  type FactAgency,
  type ReportFact,
} from '../../../../src/shared/report-facts.ts';
import { formatNumber, formatSoum, formatSoumPerMonth } from '../../format.ts';
import { codeLabel } from '../../labels.ts';
import { type HouseholdView, memberName } from './types.ts';

/**
 * What the family's page shows of one fact (for one member when given), in words: the value the report
 * form repeats ("what we have") and sends as `shownValue`, so the officer reads what the family saw.
 * Disability is health data: its value is not repeated, only that it is contested.
 */
export function shownValueOf(h: HouseholdView, fact: ReportFact, personId: string | null): string | null {
  const of = <T extends { personId: string }>(rows: T[]) =>
    personId ? rows.filter((r) => r.personId === personId) : rows;
  const parts: string[] = [];
  switch (fact) {
    case 'income':
      for (const f of of(h.facts.incomes))
        parts.push(`${codeLabel('income', f.kind)}: ${formatSoumPerMonth(f.monthlyAmount)}`);
      break;
    case 'vehicle':
      for (const f of h.facts.vehicles.filter((v) => !personId || v.ownerPersonId === personId))
        parts.push(`${f.plate}, ${f.make}, ${f.modelYear}`);
      break;
    case 'deposits':
      for (const f of of(h.facts.bankDeposits)) parts.push(formatSoum(f.balance));
      break;
    case 'dwelling':
      for (const f of h.facts.dwellings)
        parts.push(`${codeLabel('dwelling', f.kind)}, ${f.cadastreNumber}, ${formatNumber(f.areaM2)} m²`);
      break;
    case 'employment':
      for (const m of h.members.filter((x) => !personId || x.personId === personId))
        parts.push(
          personId
            ? codeLabel('employment', m.employment)
            : `${memberName(m)}: ${codeLabel('employment', m.employment)}`,
        );
      break;
    case 'membership':
      for (const m of h.members) parts.push(memberName(m));
      break;
    default:
      return null;
  }
  return parts.length > 0 ? parts.join('; ') : null;
}

/** The agency the family's report goes to, as the server works it out from the same rows. */
export function agencyOf(h: HouseholdView, fact: ReportFact, personId: string | null): FactAgency {
  const mine = (row: { personId?: string }) => !personId || row.personId === personId;
  const rows: { source: string }[] =
    fact === 'income'
      ? h.facts.incomes.filter(mine)
      : fact === 'deposits'
        ? h.facts.bankDeposits.filter(mine)
        : fact === 'vehicle'
          ? h.facts.vehicles.filter((v) => !personId || v.ownerPersonId === personId)
          : fact === 'dwelling'
            ? h.facts.dwellings
            : fact === 'disability'
              ? (h.facts.disabilities ?? []).filter(mine)
              : fact === 'membership'
                ? h.members.map((m) => ({ source: m.membershipSource }))
                : [];
  const agencies = [...new Set(rows.map((r) => agencyOfSource(r.source)).filter((a) => a !== undefined))];
  return agencies.length === 1 && agencies[0] ? agencies[0] : DEFAULT_AGENCY[fact];
}
