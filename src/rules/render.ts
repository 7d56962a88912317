import { formatDate, formatMonth, formatNumber, formatSoum } from '../shared/format.ts';
import { civilFromDays, NO_DAY } from './dates.ts';
import { CODE_LABELS, DISABILITY, EMPLOYMENT, nameOf, ROLE, SECTOR, SEX } from './entities.ts';
import type { Trace, TraceInput, TraceParameter, TraceVariable } from './explain.ts';
import { INPUT_LABELS, PHRASES, type TraceLanguage, yearsText } from './messages.ts';
import type { LocalisedText, ParameterSet, ParameterUnit } from './parameters.ts';
import type { HouseholdColumnName, PersonColumnName } from './population.ts';
import type { AnyVariable, ValueUnit } from './variables.ts';

/**
 * Renders a trace as plain text in Uzbek (Latin), Russian or English: the results first, then for each
 * one the tree of what it was worked out from, each rule value with its act and date in force, and the
 * data of the household. A variable or rule value reached twice is written out once. No internal
 * identifier is printed (household and person ids, district codes, variable and parameter names): people
 * are told by their role, values by their label. "Unverified" rule values are a staff mark (once per
 * value); reviewers' notes stay in the parameter files.
 */

export interface RenderCatalogue {
  readonly variables: ReadonlyMap<string, AnyVariable>;
  readonly parameters: ParameterSet;
  /** Inputs whose values this reader may not see (health data): named, but their values withheld. */
  readonly hiddenInputs?: ReadonlySet<string>;
  /** The results to explain (a decision's programme outcome); all the trace's outputs by default. */
  readonly outputs?: readonly string[];
  /** 'staff' see which rule values are not yet verified; citizens do not (default 'citizen'). */
  readonly audience?: 'citizen' | 'staff';
}

export function renderTrace(trace: Trace, language: TraceLanguage, catalogue: RenderCatalogue): string {
  const r = new Renderer(trace, language, catalogue);
  return r.render();
}

class Renderer {
  private readonly lines: string[] = [];
  private readonly expanded = new Set<string>();
  private readonly parametersShown = new Set<string>();

  constructor(
    private readonly trace: Trace,
    private readonly language: TraceLanguage,
    private readonly catalogue: RenderCatalogue,
  ) {}

  render(): string {
    const t = this.trace;
    const L = this.language;
    this.lines.push(
      `${PHRASES.monthTitle[L]}: ${formatMonth(t.month, L)} (${PHRASES.situationOn[L]} ${this.date(t.referenceDate)})`,
    );
    const members = t.members.map((m, i) => `${i + 1}. ${CODE_LABELS.role[m.role][L]}`);
    this.lines.push(`${PHRASES.members[L]}: ${members.join('; ')}`);
    this.lines.push('');
    const outputs = (this.catalogue.outputs ?? Object.keys(t.outputs)).filter((n) => t.variables[n]);
    this.lines.push(`${PHRASES.result[L]}:`);
    for (const name of outputs) {
      const node = t.variables[name];
      if (node) this.lines.push(`  ${this.variableLabel(name)}: ${this.variableValue(node)}`);
    }
    this.lines.push('');
    this.lines.push(`${PHRASES.why[L]}:`);
    for (const name of outputs) this.variable(name, 1);
    return this.lines.join('\n');
  }

  private variable(name: string, depth: number): void {
    const L = this.language;
    const pad = '  '.repeat(depth);
    const node = this.trace.variables[name];
    if (!node) return;
    const variable = this.catalogue.variables.get(name);
    const version =
      variable && variable.versions.length > 1
        ? ` [${PHRASES.ruleVersionFrom[L]} ${this.date(node.formulaFrom)}]`
        : '';
    if (this.expanded.has(name)) {
      this.lines.push(
        `${pad}${this.variableLabel(name)}: ${this.variableValue(node)} (${PHRASES.shownAbove[L]})`,
      );
      return;
    }
    this.expanded.add(name);
    this.lines.push(`${pad}${this.variableLabel(name)}: ${this.variableValue(node)}${version}`);
    for (const child of node.variables) this.variable(child, depth + 1);
    for (const p of node.parameters) {
      const parameter = this.trace.parameters[p];
      if (parameter) this.lines.push(`${pad}  (${PHRASES.parameter[L]}) ${this.parameter(parameter)}`);
    }
    for (const i of node.inputs) {
      // Internal keys (the district code, the household a person belongs to) are not data people read.
      if (i === 'household.district' || i === 'person.household') continue;
      const input = this.trace.inputs[i];
      if (input) this.lines.push(`${pad}  (${PHRASES.input[L]}) ${this.input(input)}`);
    }
  }

  private variableLabel(name: string): string {
    return this.catalogue.variables.get(name)?.label[this.language] ?? PHRASES.rule[this.language];
  }

  private variableValue(node: TraceVariable): string {
    const variable = this.catalogue.variables.get(node.name);
    const format = (v: number) => this.value(v, node.unit, variable);
    if (Array.isArray(node.value)) return node.value.map((v, i) => `${i + 1}. ${format(v)}`).join('; ');
    return format(node.value);
  }

  private value(v: number, unit: ValueUnit, variable: AnyVariable | undefined): string {
    const L = this.language;
    switch (unit) {
      case 'som':
        return this.som(v);
      case 'share':
        return `${this.number(Math.round(v * 10000) / 100)}%`;
      case 'count':
      case 'number':
        return this.number(v);
      case 'years':
        return v < 0 ? PHRASES.none[L] : yearsText(v, L);
      case 'months':
        return `${this.number(v)} ${PHRASES.months[L]}`;
      case 'boolean':
        return v === 1 ? PHRASES.yes[L] : PHRASES.no[L];
      case 'year':
        return v > 0 ? String(v) : PHRASES.noDate[L];
      case 'enum':
        return variable?.values?.find((e) => e.code === v)?.label[L] ?? String(v);
      case 'flags': {
        const set = (variable?.values ?? []).filter((e) => (v & e.code) !== 0).map((e) => e.label[L]);
        return set.length > 0 ? set.join('; ') : PHRASES.none[L];
      }
    }
  }

  private parameter(p: TraceParameter): string {
    const L = this.language;
    const known = this.catalogue.parameters.has(p.name)
      ? this.catalogue.parameters.definition(p.name)
      : undefined;
    const label = known?.label[L] ?? PHRASES.parameter[L];
    if (this.parametersShown.has(p.name)) return `${label} (${PHRASES.shownAbove[L]})`;
    this.parametersShown.add(p.name);
    const ref = p.reference;
    const act = [
      ref.act[L],
      ref.number ? `${PHRASES.number[L]} ${ref.number}` : undefined,
      ref.date ? this.date(ref.date) : undefined,
      ref.article ? `${PHRASES.article[L]} ${ref.article}` : undefined,
    ]
      .filter((x) => x !== undefined)
      .join(', ');
    // Staff are told once per rule value that it still awaits review; citizens and notes never.
    const unverified =
      p.unverified && this.catalogue.audience === 'staff' ? `; ${PHRASES.unverified[L]}` : '';
    return `${label} = ${this.parameterValue(p.value, p.unit)} — ${act}; ${PHRASES.inForceFrom[L]} ${this.date(p.from)}${unverified}`;
  }

  private parameterValue(value: number | boolean, unit: ParameterUnit): string {
    const L = this.language;
    if (typeof value === 'boolean') return value ? PHRASES.yes[L] : PHRASES.no[L];
    switch (unit) {
      case 'som':
        return this.som(value);
      case 'share':
        return `${this.number(Math.round(value * 10000) / 100)}%`;
      case 'multiple':
        return `${this.number(value)} ×`;
      case 'months':
        return `${this.number(value)} ${PHRASES.months[L]}`;
      case 'years':
        return yearsText(value, L);
      case 'day_of_month':
        return L === 'en' ? `day ${value}` : `${value}${PHRASES.dayOfMonth[L]}`;
      default:
        return this.number(value);
    }
  }

  private input(input: TraceInput): string {
    const [entity, column] = input.name.split('.') as [string, string];
    const labels: Readonly<Record<string, LocalisedText>> =
      entity === 'person' ? INPUT_LABELS.person : INPUT_LABELS.household;
    const label = labels[column]?.[this.language] ?? PHRASES.input[this.language];
    if (this.catalogue.hiddenInputs?.has(input.name))
      return `${label}: ${PHRASES.healthHidden[this.language]}`;
    const format = (v: number) =>
      entity === 'person'
        ? this.personInput(column as PersonColumnName, v)
        : this.householdInput(column as HouseholdColumnName, v);
    const value = Array.isArray(input.value)
      ? input.value.map((v, i) => `${i + 1}. ${format(v)}`).join('; ')
      : format(input.value);
    return `${label}: ${value}`;
  }

  private personInput(column: PersonColumnName, v: number): string {
    const L = this.language;
    switch (column) {
      case 'birthDay':
      case 'formalEmploymentStart':
        return v === NO_DAY ? PHRASES.noDate[L] : this.dayText(v);
      case 'income3m':
      case 'deposits':
        return this.som(v);
      case 'sex':
        return codeLabel(CODE_LABELS.sex, SEX, v, L);
      case 'role':
        return codeLabel(CODE_LABELS.role, ROLE, v, L);
      case 'disability':
        return codeLabel(CODE_LABELS.disability, DISABILITY, v, L);
      case 'employment':
        return codeLabel(CODE_LABELS.employment, EMPLOYMENT, v, L);
      case 'sector':
        return codeLabel(CODE_LABELS.sector, SECTOR, v, L);
      case 'newestVehicleYear':
        return v > 0 ? String(v) : PHRASES.noDate[L];
      default:
        return this.number(v);
    }
  }

  private householdInput(column: HouseholdColumnName, v: number): string {
    const L = this.language;
    switch (column) {
      case 'mahallaHardship':
        return v === 1 ? PHRASES.yes[L] : PHRASES.no[L];
      case 'previousCategory': {
        const category = this.catalogue.variables.get('social_registry.category');
        return category ? this.value(v, 'enum', category) : String(v);
      }
      default:
        return this.number(v);
    }
  }

  private som(v: number): string {
    return formatSoum(v, this.language);
  }

  private number(v: number): string {
    return formatNumber(v, this.language);
  }

  private date(iso: string): string {
    return formatDate(iso, this.language);
  }

  private dayText(day: number): string {
    const c = civilFromDays(day);
    const pad = (n: number) => String(n).padStart(2, '0');
    return formatDate(`${c.year}-${pad(c.month)}-${pad(c.day)}`, this.language);
  }
}

function codeLabel<K extends string>(
  labels: Readonly<Record<K, LocalisedText>>,
  codes: Readonly<Record<K, number>>,
  code: number,
  language: TraceLanguage,
): string {
  const name = nameOf(codes, code);
  return name !== undefined ? labels[name][language] : String(code);
}
