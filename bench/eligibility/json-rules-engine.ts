/**
 * The programme set as json-rules-engine rules: exclusion filters, the Social Registry category with its
 * bands (events carry the category and the benefit share), child allowance components and material
 * assistance. json-rules-engine decides with conditions on facts and reports events; the amounts are the
 * event parameters combined (first child + second + further × (children − 2), × share), as an application
 * of that engine does.
 */
import { Engine, type Event, type RuleProperties } from 'json-rules-engine';
import type { HouseholdFacts, MonthParameters, Outputs } from './rules.ts';

type Facts = keyof HouseholdFacts;
const fact = (name: Facts, operator: string, value: unknown) => ({ fact: name, operator, value });

export function createEngine(p: MonthParameters): Engine {
  const engine = new Engine([], { allowUndefinedFacts: false });
  const low = p.lowIncomeShare * p.mce;
  const split = p.bandSplitShare * p.mce;
  const limit = p.borderlineLimitShare * p.mce;
  const filters: Array<[string, number, RuleProperties['conditions']]> = [
    ['extra_dwelling', 1, { all: [fact('residentialDwellings', 'greaterThan', p.maxResidentialDwellings)] }],
    [
      'non_residential_property',
      2,
      { all: [fact('nonResidentialProperties', 'greaterThan', p.maxNonResidentialProperties)] },
    ],
    [
      'recent_car',
      4,
      {
        all: [
          fact('newestVehicleYear', 'greaterThan', 0),
          fact('newestVehicleYear', 'greaterThanInclusive', p.month.year - p.maxCarAgeYears),
        ],
      },
    ],
    ['several_cars', 8, { all: [fact('vehicles', 'greaterThanInclusive', p.carCountLimit)] }],
    ['large_deposits', 16, { all: [fact('deposits', 'greaterThanInclusive', p.depositLimit)] }],
    ['security_service', 32, { all: [fact('securityServiceMembers', 'greaterThan', 0)] }],
  ];
  engine.setCondition('excluded', { any: filters.map(([, , conditions]) => conditions) });
  engine.setCondition('grace', {
    all: [
      fact('previousCategory', 'equal', 2),
      fact('perCapitaIncome', 'greaterThanInclusive', low),
      fact('recentlyEmployed', 'greaterThan', 0),
    ],
  });
  for (const [name, bit, conditions] of filters) {
    engine.addRule({
      name: `exclusion.${name}`,
      priority: 10,
      conditions,
      event: { type: 'exclusion', params: { bit } },
    });
  }
  const notExcluded = { not: { condition: 'excluded' } };
  const notGrace = { not: { condition: 'grace' } };
  const category = (name: string, code: number, share: number, conditions: RuleProperties['conditions']) =>
    engine.addRule({
      name,
      priority: 5,
      conditions,
      event: { type: 'category', params: { category: code, share } },
    });
  category('state_supported', 1, 1, {
    all: [notExcluded, fact('perCapitaIncome', 'lessThan', low), fact('membersAbleToWork', 'equal', 0)],
  });
  category('poor', 2, 1, {
    all: [notExcluded, fact('perCapitaIncome', 'lessThan', low), fact('membersAbleToWork', 'greaterThan', 0)],
  });
  category('poor_employment_grace', 2, 1, { all: [notExcluded, { condition: 'grace' }] });
  category('borderline_lower_band', 3, p.lowerBandShare, {
    all: [
      notExcluded,
      notGrace,
      fact('perCapitaIncome', 'greaterThanInclusive', low),
      fact('perCapitaIncome', 'lessThanInclusive', split),
    ],
  });
  category('borderline_upper_band', 3, p.upperBandShare, {
    all: [
      notExcluded,
      notGrace,
      fact('perCapitaIncome', 'greaterThan', split),
      fact('perCapitaIncome', 'lessThanInclusive', limit),
    ],
  });
  category('borderline_other_route', 3, p.outsideBandsShare, {
    all: [
      notExcluded,
      notGrace,
      fact('perCapitaIncome', 'greaterThan', limit),
      { any: [fact('previousCategory', 'in', [1, 2]), fact('mahallaHardship', 'equal', 1)] },
    ],
  });
  const component = (
    name: string,
    params: Record<string, number>,
    conditions: RuleProperties['conditions'],
  ) => engine.addRule({ name, priority: 1, conditions, event: { type: 'amount', params } });
  component(
    'child_allowance.first_child_under_3',
    { first: p.firstChildUnder3 },
    {
      all: [fact('children', 'greaterThan', 0), fact('firstChildAge', 'lessThan', p.youngChildAgeLimit)],
    },
  );
  component(
    'child_allowance.first_child_3_to_18',
    { first: p.firstChild3To18 },
    {
      all: [
        fact('children', 'greaterThan', 0),
        fact('firstChildAge', 'greaterThanInclusive', p.youngChildAgeLimit),
      ],
    },
  );
  component(
    'child_allowance.second_child',
    { second: p.secondChildSupplement },
    {
      all: [fact('children', 'greaterThanInclusive', 2)],
    },
  );
  component(
    'child_allowance.further_children',
    { further: p.furtherChildSupplement },
    {
      all: [fact('children', 'greaterThan', 2)],
    },
  );
  component(
    'material_assistance',
    { assistance: p.materialAssistance },
    {
      all: [fact('children', 'equal', 0)],
    },
  );
  return engine;
}

const num = (params: Event['params'], key: string): number => {
  const value = params?.[key];
  return typeof value === 'number' ? value : 0;
};

/**
 * Runs the engine for the households in `indices` (all when omitted), `chunk` runs in flight at a time: 10
 * was the fastest of 1, 10, 100 and 1000 (many runs in flight slow json-rules-engine down several times).
 */
export async function runJsonRulesEngine(
  engine: Engine,
  facts: readonly HouseholdFacts[],
  out: Outputs,
  indices?: ArrayLike<number>,
  chunk = 10,
): Promise<void> {
  const n = indices ? indices.length : facts.length;
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const runs: Promise<void>[] = [];
    for (let k = start; k < end; k++) {
      const h = indices ? (indices[k] ?? 0) : k;
      const f = facts[h];
      if (!f) continue;
      runs.push(
        engine.run(f).then(({ events }) => {
          let category = 0;
          let share = 0;
          let first = 0;
          let second = 0;
          let further = 0;
          let assistance = 0;
          for (const event of events) {
            if (event.type === 'category') {
              category = num(event.params, 'category');
              share = num(event.params, 'share');
            } else if (event.type === 'amount') {
              first += num(event.params, 'first');
              second += num(event.params, 'second');
              further += num(event.params, 'further');
              assistance += num(event.params, 'assistance');
            }
          }
          out.category[h] = category;
          out.share[h] = share;
          const full = first + second + (f.children > 2 ? (f.children - 2) * further : 0);
          out.childAllowance[h] = Math.round(full * share);
          out.materialAssistance[h] = Math.round(assistance * share);
        }),
      );
    }
    await Promise.all(runs);
  }
}
