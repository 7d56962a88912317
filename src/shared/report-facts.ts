/**
 * The facts a citizen may contest ("report a mistake", issue 12 point 8) and the agencies those facts
 * come from. Shared by the server (the contest's schema, the agency it is sent to) and the portal (the
 * form's choices and labels), so the two lists never drift.
 */
export const REPORT_FACTS = [
  'income',
  'vehicle',
  'deposits',
  'dwelling',
  'employment',
  'disability',
  'membership',
  'hardship',
] as const;
export type ReportFact = (typeof REPORT_FACTS)[number];

/** Agencies (and the registry's own people) a fact can come from; what a contest is routed to. */
export const FACT_AGENCIES = [
  'tax',
  'pension_fund',
  'cadastre',
  'vehicles',
  'civil_registry',
  'banks',
  'medical',
  'mahalla',
  'social_worker',
] as const;
export type FactAgency = (typeof FACT_AGENCIES)[number];

/** The agency that owns a fact when the stored rows do not say otherwise. */
export const DEFAULT_AGENCY: Readonly<Record<ReportFact, FactAgency>> = {
  income: 'tax',
  vehicle: 'vehicles',
  deposits: 'banks',
  dwelling: 'cadastre',
  employment: 'pension_fund',
  disability: 'medical',
  membership: 'civil_registry',
  hardship: 'mahalla',
};

/** Facts held by one person (the form asks whose); the others belong to the whole household. */
export const PER_PERSON_FACTS: ReadonlySet<ReportFact> = new Set([
  'income',
  'vehicle',
  'deposits',
  'employment',
  'disability',
]);

/** State agencies verify their own facts; a contest of theirs is sent to them, never edited here. */
export const STATE_AGENCIES: ReadonlySet<FactAgency> = new Set([
  'tax',
  'pension_fund',
  'cadastre',
  'vehicles',
  'civil_registry',
  'banks',
  'medical',
]);

export function isReportFact(value: string): value is ReportFact {
  return (REPORT_FACTS as readonly string[]).includes(value);
}

/**
 * The agency of a stored `source` code. Feeds and the synthetic loader spell some differently
 * ('vehicle_registry', 'bank', 'banks:<bank>', 'mahalla_committee'); unknown codes are undefined.
 */
export function agencyOfSource(source: string): FactAgency | undefined {
  const code = source.includes(':') ? source.slice(0, source.indexOf(':')) : source;
  const aliases: Record<string, FactAgency> = {
    vehicle_registry: 'vehicles',
    bank: 'banks',
    mahalla_committee: 'mahalla',
  };
  const agency = aliases[code] ?? code;
  return (FACT_AGENCIES as readonly string[]).includes(agency) ? (agency as FactAgency) : undefined;
}
