import { type Month, parseMonth } from './dates.ts';
import { type Entity, nameOf, ROLE, type Role } from './entities.ts';
import type { LegalReference, ParameterSet, ParameterUnit } from './parameters.ts';
import {
  checkLengths,
  type HouseholdColumnName,
  membersOf,
  type PersonColumnName,
  type PopulationColumns,
} from './population.ts';
import {
  type AnyVariable,
  type DType,
  enumKey,
  FormulaError,
  formulaFor,
  type HouseholdScalarContext,
  type PersonScalarContext,
  type Programme,
  type ValueUnit,
  type Variable,
} from './variables.ts';

/**
 * The scalar path: one household, one month, every value computed through recording contexts. The result
 * is a trace: which variables were computed (with the formula version), which parameters (with value,
 * date in force and act) and which inputs produced the outputs. It is plain JSON, stored with decisions,
 * and rendered in people’s languages by `renderTrace`.
 */

export interface TraceMember {
  /** Position of the person in the population’s person arrays. */
  readonly index: number;
  readonly id?: string;
  readonly role: Role;
}

export interface TraceVariable {
  readonly name: string;
  readonly entity: Entity;
  readonly unit: ValueUnit;
  /** Household: one number; person: one number per member, in `Trace.members` order. */
  readonly value: number | number[];
  /** Enum variables: the key of each value. */
  readonly key?: string | string[];
  /** 'YYYY-MM-DD' the formula version in force took effect. */
  readonly formulaFrom: string;
  readonly variables: string[];
  readonly parameters: string[];
  readonly inputs: string[];
}

export interface TraceParameter {
  readonly name: string;
  readonly value: number | boolean;
  readonly unit: ParameterUnit;
  readonly from: string;
  readonly reference: LegalReference;
  readonly unverified: boolean;
  readonly note?: string;
}

export interface TraceInput {
  readonly name: string;
  readonly entity: Entity;
  readonly value: number | number[];
}

export interface Trace {
  readonly format: 'himoya.trace/1';
  readonly month: string;
  /** The day the situation is taken on (first day of the month). */
  readonly referenceDate: string;
  readonly household: { readonly index: number; readonly id?: string; readonly district: string };
  readonly members: readonly TraceMember[];
  readonly programmes: readonly string[];
  /** Household outputs of the programmes, by variable name. */
  readonly outputs: Readonly<Record<string, number>>;
  readonly variables: Readonly<Record<string, TraceVariable>>;
  readonly parameters: Readonly<Record<string, TraceParameter>>;
  readonly inputs: Readonly<Record<string, TraceInput>>;
  readonly parametersDigest: string;
}

export interface ExplainOptions {
  readonly parameters: ParameterSet;
}

export function explainHousehold(
  population: PopulationColumns,
  householdIndex: number,
  month: string | Month,
  programmes: readonly Programme[],
  options: ExplainOptions,
): Trace {
  const m = parseMonth(month);
  if (m.key !== population.month) {
    throw new RangeError(`The population describes ${population.month}; it cannot be explained for ${m.key}`);
  }
  checkLengths(population);
  const explainer = new Explainer(population, householdIndex, m, options.parameters);
  const outputs: Record<string, number> = {};
  for (const programme of programmes) {
    for (const variable of programme.outputs) outputs[variable.name] = explainer.householdValue(variable);
  }
  const districtIndex = population.household.district[householdIndex] ?? 0;
  const householdId = population.householdIds?.[householdIndex];
  return {
    format: 'himoya.trace/1',
    month: m.key,
    referenceDate: m.firstDate,
    household: {
      index: householdIndex,
      ...(householdId !== undefined ? { id: householdId } : {}),
      district: population.districts[districtIndex] ?? '',
    },
    members: explainer.members.map((p) => {
      const id = population.personIds?.at(p);
      return {
        index: p,
        ...(id !== undefined ? { id } : {}),
        role: nameOf(ROLE, population.person.role[p] ?? 0) ?? 'other',
      };
    }),
    programmes: programmes.map((p) => p.id),
    outputs,
    variables: Object.fromEntries([...explainer.nodes].map(([name, node]) => [name, node.finish()])),
    parameters: Object.fromEntries(explainer.parametersUsed),
    inputs: Object.fromEntries(explainer.inputsUsed),
    parametersDigest: options.parameters.digest,
  };
}

class Node {
  readonly variables = new Set<string>();
  readonly parameters = new Set<string>();
  readonly inputs = new Set<string>();
  household: number | undefined;
  readonly perMember: (number | undefined)[];

  constructor(
    readonly variable: AnyVariable,
    readonly formulaFrom: string,
    memberCount: number,
  ) {
    this.perMember = new Array<number | undefined>(variable.entity === 'person' ? memberCount : 0);
  }

  finish(): TraceVariable {
    const v = this.variable;
    const value = v.entity === 'person' ? this.perMember.map((x) => x ?? 0) : (this.household ?? 0);
    let key: string | string[] | undefined;
    if (v.unit === 'enum') {
      key = Array.isArray(value)
        ? value.map((x) => enumKey(v, x) ?? String(x))
        : (enumKey(v, value) ?? String(value));
    }
    return {
      name: v.name,
      entity: v.entity,
      unit: v.unit,
      value,
      ...(key !== undefined ? { key } : {}),
      formulaFrom: this.formulaFrom,
      variables: [...this.variables],
      parameters: [...this.parameters],
      inputs: [...this.inputs],
    };
  }
}

class Explainer {
  readonly members: number[];
  readonly nodes = new Map<string, Node>();
  readonly parametersUsed = new Map<string, TraceParameter>();
  readonly inputsUsed = new Map<string, TraceInput>();
  private readonly position = new Map<number, number>();
  private readonly inProgress = new Set<string>();

  constructor(
    readonly population: PopulationColumns,
    readonly householdIndex: number,
    readonly month: Month,
    readonly parameters: ParameterSet,
  ) {
    this.members = membersOf(population, householdIndex);
    this.members.forEach((p, i) => {
      this.position.set(p, i);
    });
  }

  private node(variable: AnyVariable): Node {
    let node = this.nodes.get(variable.name);
    if (!node) {
      node = new Node(variable, formulaFor(variable, this.month).from, this.members.length);
      this.nodes.set(variable.name, node);
    }
    return node;
  }

  householdValue(variable: Variable<DType, 'household'>): number {
    const node = this.node(variable);
    if (node.household !== undefined) return node.household;
    const key = variable.name;
    this.enter(key);
    try {
      const value = formulaFor(variable, this.month).scalar(new HouseholdContext(this, node));
      node.household = value;
      return value;
    } finally {
      this.inProgress.delete(key);
    }
  }

  personValue(variable: Variable<DType, 'person'>, person: number): number {
    const node = this.node(variable);
    const at = this.position.get(person);
    if (at === undefined)
      throw new RangeError(`Person ${person} is not a member of household ${this.householdIndex}`);
    const known = node.perMember[at];
    if (known !== undefined) return known;
    const key = `${variable.name}#${person}`;
    this.enter(key);
    try {
      const value = formulaFor(variable, this.month).scalar(new PersonContext(this, node, person));
      node.perMember[at] = value;
      return value;
    } finally {
      this.inProgress.delete(key);
    }
  }

  param(name: string): number {
    const inForce = this.parameters.at(name, this.month.firstDay);
    if (!this.parametersUsed.has(name)) {
      this.parametersUsed.set(name, {
        name,
        value: inForce.raw,
        unit: inForce.unit,
        from: inForce.from,
        reference: inForce.reference,
        unverified: inForce.unverified,
        ...(inForce.note !== undefined ? { note: inForce.note } : {}),
      });
    }
    return inForce.value;
  }

  householdInput(column: HouseholdColumnName): number {
    const value = this.population.household[column][this.householdIndex] ?? 0;
    if (!this.inputsUsed.has(`household.${column}`)) {
      this.inputsUsed.set(`household.${column}`, { name: `household.${column}`, entity: 'household', value });
    }
    return value;
  }

  personInput(column: PersonColumnName, person: number): number {
    const array = this.population.person[column];
    const name = `person.${column}`;
    if (!this.inputsUsed.has(name)) {
      this.inputsUsed.set(name, { name, entity: 'person', value: this.members.map((p) => array[p] ?? 0) });
    }
    return array[person] ?? 0;
  }

  private enter(key: string): void {
    if (this.inProgress.has(key)) throw new FormulaError(`Circular definition through ${key}`, key);
    this.inProgress.add(key);
  }
}

class HouseholdContext implements HouseholdScalarContext {
  readonly month: Month;

  constructor(
    private readonly explainer: Explainer,
    private readonly node: Node,
  ) {
    this.month = explainer.month;
  }

  param(name: string): number {
    this.node.parameters.add(name);
    return this.explainer.param(name);
  }

  memberCount(): number {
    return this.explainer.members.length;
  }

  get(variable: Variable<DType, 'household'>): number {
    this.node.variables.add(variable.name);
    return this.explainer.householdValue(variable);
  }

  members(variable: Variable<DType, 'person'>): number[] {
    this.node.variables.add(variable.name);
    return this.explainer.members.map((p) => this.explainer.personValue(variable, p));
  }

  input(column: HouseholdColumnName): number {
    this.node.inputs.add(`household.${column}`);
    return this.explainer.householdInput(column);
  }

  memberInputs(column: PersonColumnName): number[] {
    this.node.inputs.add(`person.${column}`);
    return this.explainer.members.map((p) => this.explainer.personInput(column, p));
  }
}

class PersonContext implements PersonScalarContext {
  readonly month: Month;

  constructor(
    private readonly explainer: Explainer,
    private readonly node: Node,
    private readonly person: number,
  ) {
    this.month = explainer.month;
  }

  param(name: string): number {
    this.node.parameters.add(name);
    return this.explainer.param(name);
  }

  get(variable: Variable<DType, 'person'>): number {
    this.node.variables.add(variable.name);
    return this.explainer.personValue(variable, this.person);
  }

  household(variable: Variable<DType, 'household'>): number {
    this.node.variables.add(variable.name);
    return this.explainer.householdValue(variable);
  }

  input(column: PersonColumnName): number {
    this.node.inputs.add(`person.${column}`);
    return this.explainer.personInput(column, this.person);
  }
}
