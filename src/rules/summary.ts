import { translate } from '../i18n/index.ts';
import type { ProgrammeDescription } from '../programs/description.ts';
import { formatMonthFrom, formatNumber, formatSoum } from '../shared/format.ts';
import type { ReportFact } from '../shared/report-facts.ts';
import type { Trace, TraceVariable } from './explain.ts';
import { INPUT_LABELS, PHRASES, type TraceLanguage, yearsText } from './messages.ts';
import type { AnyVariable } from './variables.ts';

/**
 * The three sentences a decision opens with: what the family gets, why (the one or two facts that decided
 * it, with the agency they come from), and what to do if a fact is wrong (a "report a mistake" link per
 * fact). The deciding facts are read out of the trace, the same way for every programme:
 *
 * - a *test* is a yes/no or enumerated variable that compares data with a rule value (it uses a parameter
 *   or reads data directly);
 * - walking down from the programme's outcome variable, the trace holds only what the formulas actually
 *   read, so a short-circuited rule (a family excluded by a car is never income-tested) is not there;
 * - a yes/no test decides when it holds (a car over the limit, a child under 18); an enumerated test (an
 *   income band) always tells where the family stands; tests do not descend further, their children are the
 *   measured value shown with them;
 * - when the outcome is nothing, only branches whose value is nothing are followed (a child allowance of 0
 *   because the family has no category, not because of the child it does have), and tests that hold come
 *   first.
 */

/** What a citizen may ask to be checked: the report form's `fact` (src/shared/report-facts.ts, one list). */
export type { ReportFact };

/** The agency a data column comes from ('registry': the Social Registry itself). */
export type FactSource =
  | 'tax'
  | 'vehicles'
  | 'banks'
  | 'cadastre'
  | 'pension_fund'
  | 'civil_registry'
  | 'medical'
  | 'mahalla'
  | 'registry';

/** Where each input column of the trace comes from, and which fact a citizen would contest. */
export const INPUT_SOURCES: Readonly<Record<string, { source: FactSource; fact: ReportFact | null }>> = {
  'person.household': { source: 'civil_registry', fact: 'membership' },
  'person.role': { source: 'civil_registry', fact: 'membership' },
  'person.sex': { source: 'civil_registry', fact: 'membership' },
  'person.birthDay': { source: 'civil_registry', fact: 'membership' },
  'person.disability': { source: 'medical', fact: 'disability' },
  'person.employment': { source: 'pension_fund', fact: 'employment' },
  'person.sector': { source: 'pension_fund', fact: 'employment' },
  'person.formalEmploymentStart': { source: 'pension_fund', fact: 'employment' },
  'person.income3m': { source: 'tax', fact: 'income' },
  'person.vehicles': { source: 'vehicles', fact: 'vehicle' },
  'person.newestVehicleYear': { source: 'vehicles', fact: 'vehicle' },
  'person.deposits': { source: 'banks', fact: 'deposits' },
  'household.district': { source: 'civil_registry', fact: 'membership' },
  'household.residentialDwellings': { source: 'cadastre', fact: 'dwelling' },
  'household.nonResidentialProperties': { source: 'cadastre', fact: 'dwelling' },
  'household.previousCategory': { source: 'registry', fact: null },
  'household.mahallaHardship': { source: 'mahalla', fact: 'hardship' },
};

/** The portal page where a citizen reports a mistake in one fact (the form is the report issue's part). */
export function reportPath(fact: ReportFact, decisionId?: number): string {
  return `/citizen/household/report?fact=${fact}${decisionId !== undefined ? `&decision=${decisionId}` : ''}`;
}

export interface SummaryFact {
  /** What to contest ('income', 'vehicle', ...), or null when the fact is not the family's data. */
  readonly fact: ReportFact | null;
  readonly source: FactSource | null;
  /** The fact in words, with its value and source. */
  readonly text: string;
  /** The link's words: "Report a mistake: income". */
  readonly reportLabel: string | null;
  /** Portal path of the report form for this fact (citizens), or null. */
  readonly report: string | null;
}

export interface DecisionSummary {
  readonly what: string;
  readonly why: string;
  readonly fix: string;
  readonly facts: SummaryFact[];
}

export interface SummaryDecision {
  readonly id?: number;
  readonly kind: 'granted' | 'amount_changed' | 'ended';
  readonly month: string;
  readonly categoryAfter: string;
  readonly amountAfter: number;
}

export interface SummaryOptions {
  readonly variables: ReadonlyMap<string, AnyVariable>;
  readonly hiddenInputs?: ReadonlySet<string>;
  /** At most this many deciding facts (default 2). */
  readonly maxFacts?: number;
}

const t = (key: string, language: TraceLanguage, values?: Readonly<Record<string, string | number>>) =>
  // biome-ignore lint/suspicious/noExplicitAny: the keys are built from the closed sets above
  translate('rules', key as any, language, values).replace(/\.\.$/, '.');

/** The first sentence: the programme, what it gives (amount a month or category) and from which month. */
export function whatSentence(
  programme: ProgrammeDescription,
  decision: SummaryDecision,
  language: TraceLanguage,
  variables: ReadonlyMap<string, AnyVariable>,
): string {
  const name = programme.label[language];
  const from = formatMonthFrom(decision.month, language);
  if (decision.kind === 'ended') return t('summary.what.ended', language, { programme: name, from });
  if (programme.outcome.kind === 'category') {
    const variable = variables.get(programme.outcome.category);
    const category =
      variable?.values?.find((v) => v.key === decision.categoryAfter)?.label[language] ??
      decision.categoryAfter;
    return t('summary.what.category', language, { programme: name, category, from });
  }
  return t('summary.what.amount', language, {
    programme: name,
    amount: formatSoum(decision.amountAfter, language),
    from,
  });
}

function holds(node: TraceVariable): boolean {
  return Array.isArray(node.value) ? node.value.some((v) => v !== 0) : node.value !== 0;
}

function isNothing(node: TraceVariable): boolean {
  return Array.isArray(node.value) ? node.value.every((v) => v === 0) : node.value === 0;
}

const VERDICT_UNITS = new Set(['boolean', 'enum', 'flags']);

/**
 * A test compares data with a rule value: a yes/no or enumerated variable that uses a parameter or reads
 * data, and is worked out from measured values only (not from other yes/no results, which are tests of
 * their own further down).
 */
function isTest(trace: Trace, node: TraceVariable): boolean {
  if (node.unit !== 'boolean' && node.unit !== 'enum') return false;
  if (node.parameters.length === 0 && node.inputs.length === 0) return false;
  return node.variables.every((v) => {
    const child = trace.variables[v];
    return child === undefined || !VERDICT_UNITS.has(child.unit);
  });
}

/**
 * The deciding tests under `root`, nearest first (breadth-first: a rule read straight from the outcome
 * weighs more than one deep below it). A second fact is given only when it is as near as the first.
 */
export function decidingTests(trace: Trace, root: string, negative: boolean, max = 2): TraceVariable[] {
  const seen = new Set<string>([root]);
  const found: { node: TraceVariable; depth: number; holding: boolean }[] = [];
  let level = [root];
  for (let depth = 0; level.length > 0; depth++) {
    const next: string[] = [];
    for (const name of level) {
      const node = trace.variables[name];
      if (!node) continue;
      if (name !== root && isTest(trace, node)) {
        if (node.unit === 'enum') found.push({ node, depth, holding: false });
        else if (holds(node)) found.push({ node, depth, holding: true });
        continue;
      }
      for (const child of node.variables) {
        if (seen.has(child)) continue;
        const c = trace.variables[child];
        // Nothing comes from a branch that is nothing: a non-zero amount is not why the outcome is 0.
        if (negative && c && !isNothing(c) && !VERDICT_UNITS.has(c.unit)) continue;
        seen.add(child);
        next.push(child);
      }
    }
    level = next;
  }
  // For nothing, a rule that held (a car over the limit) says more than where the family stands; for a
  // grant, where the family stands (its income band) comes first.
  const rank = (f: { holding: boolean }) => (f.holding === negative ? 0 : 1);
  const ordered = [...found].sort((a, b) => rank(a) - rank(b) || a.depth - b.depth);
  const first = ordered[0];
  if (!first) return [];
  return ordered
    .filter((f) => f.depth <= first.depth)
    .slice(0, max)
    .map((f) => f.node);
}

/** The rule values used under some variables of a trace (a decision's programme outcome), first found first. */
export function parametersUnder(trace: Trace, roots: readonly string[]): string[] {
  const seen = new Set<string>();
  const found = new Set<string>();
  const walk = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const node = trace.variables[name];
    if (!node) return;
    for (const p of node.parameters) found.add(p);
    for (const v of node.variables) walk(v);
  };
  for (const root of roots) walk(root);
  return [...found];
}

/** Inputs reached from a variable (itself and everything under it), first found first. */
function inputsUnder(trace: Trace, name: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const node = trace.variables[name];
  if (!node) return [];
  return [...node.inputs, ...node.variables.flatMap((v) => inputsUnder(trace, v, seen))];
}

/** "Family income …" after a dash reads "family income …" (an acronym such as "MCE" is left alone). */
function lowerFirst(text: string | undefined): string | undefined {
  if (text === undefined || text.length < 2) return text;
  const [a = '', b = ''] = [...text];
  return b === b.toLowerCase() ? a.toLowerCase() + text.slice(a.length) : text;
}

class Words {
  constructor(
    private readonly trace: Trace,
    private readonly language: TraceLanguage,
    private readonly options: SummaryOptions,
  ) {}

  label(name: string): string {
    return this.options.variables.get(name)?.label[this.language] ?? '';
  }

  /** A household value in words. */
  value(node: TraceVariable, v: number): string {
    const L = this.language;
    const variable = this.options.variables.get(node.name);
    switch (node.unit) {
      case 'som':
        return formatSoum(v, L);
      case 'share':
        return `${formatNumber(Math.round(v * 10000) / 100, L)}%`;
      case 'years':
        return yearsText(v, L);
      case 'months':
        return `${formatNumber(v, L)} ${PHRASES.months[L]}`;
      case 'boolean':
        return v === 1 ? PHRASES.yes[L] : PHRASES.no[L];
      case 'year':
        return v > 0 ? String(v) : PHRASES.noDate[L];
      case 'enum':
        return variable?.values?.find((e) => e.code === v)?.label[L] ?? '';
      case 'flags':
        return (variable?.values ?? [])
          .filter((e) => (v & e.code) !== 0)
          .map((e) => e.label[L])
          .join('; ');
      default:
        return formatNumber(v, L);
    }
  }

  /** "Cars owned by members: 2": the measured value a household test compared, if it has one to show. */
  measure(test: TraceVariable): string | undefined {
    const hidden = this.options.hiddenInputs;
    for (const child of test.variables) {
      const node = this.trace.variables[child];
      if (!node || Array.isArray(node.value) || node.unit === 'boolean' || node.unit === 'enum') continue;
      if (inputsUnder(this.trace, child).some((i) => hidden?.has(i))) continue;
      const label = this.label(child);
      if (label) return `${label}: ${this.value(node, node.value)}`;
    }
    for (const name of test.inputs) {
      const input = this.trace.inputs[name];
      if (!input || hidden?.has(name) || Array.isArray(input.value) || !name.startsWith('household.'))
        continue;
      const column = name.slice('household.'.length) as keyof typeof INPUT_LABELS.household;
      const label = INPUT_LABELS.household[column]?.[this.language];
      if (label && column !== 'mahallaHardship' && column !== 'previousCategory' && column !== 'district')
        return `${label}: ${formatNumber(input.value, this.language)}`;
    }
    return undefined;
  }

  fact(test: TraceVariable, decisionId: number | undefined): SummaryFact {
    const L = this.language;
    const label = this.label(test.name);
    let head: string;
    if (Array.isArray(test.value)) {
      const n = test.value.filter((v) => v !== 0).length;
      head = `${label}: ${t('summary.people', L, { n })}`;
    } else if (test.unit === 'enum') {
      head = `${label}: ${this.value(test, test.value)}`;
    } else {
      head = label;
    }
    const measure = lowerFirst(this.measure(test));
    const inputs = inputsUnder(this.trace, test.name);
    const origin =
      inputs.map((i) => INPUT_SOURCES[i]).find((s) => s !== undefined && s.fact !== null) ??
      inputs.map((i) => INPUT_SOURCES[i]).find((s) => s !== undefined);
    const source = origin?.source ?? null;
    const fact = origin?.fact ?? null;
    const parts = [head, measure].filter((x) => x !== undefined).join(' — ');
    const text = source ? `${parts} (${t(`summary.source.${source}`, L)})` : parts;
    return {
      fact,
      source,
      text,
      reportLabel: fact ? t('summary.report', L, { fact: t(`summary.fact.${fact}`, L) }) : null,
      report: fact ? reportPath(fact, decisionId) : null,
    };
  }
}

/** The three sentences of a decision from its trace, in Uzbek (Latin), Russian or English. */
export function summarise(
  trace: Trace,
  programme: ProgrammeDescription,
  decision: SummaryDecision,
  language: TraceLanguage,
  options: SummaryOptions,
): DecisionSummary {
  const root = programme.outcome.kind === 'category' ? programme.outcome.category : programme.outcome.amount;
  const negative = decision.kind === 'ended';
  const words = new Words(trace, language, options);
  const tests = decidingTests(trace, root, negative, options.maxFacts ?? 2);
  const facts = tests.map((test) => words.fact(test, decision.id));
  const why =
    facts.length > 0
      ? t('summary.why', language, { facts: facts.map((f) => f.text).join('; ') })
      : t('summary.whyRules', language);
  const fix = t(facts.some((f) => f.report !== null) ? 'summary.fix' : 'summary.fixGeneral', language);
  return { what: whatSentence(programme, decision, language, options.variables), why, fix, facts };
}

/** A summary with a fixed "why" (an absence note or a manual override: no trace to read facts from). */
export function summaryWithReason(
  programme: ProgrammeDescription,
  decision: SummaryDecision,
  language: TraceLanguage,
  variables: ReadonlyMap<string, AnyVariable>,
  reason: string,
): DecisionSummary {
  return {
    what: whatSentence(programme, decision, language, variables),
    why: reason,
    fix: t('summary.fixGeneral', language),
    facts: [],
  };
}
