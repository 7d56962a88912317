/**
 * The programme set as a GoRules JDM decision graph for @gorules/zen-engine: request → exclusion filters
 * (expression node) → income band (decision table) → category and benefit share (decision table, first
 * hit) → child allowance and material assistance (expression node) → response. Thresholds are written into
 * the document from the parameters in force for the month. Evaluated per household (the engine is
 * per-record and async), in chunks of concurrent evaluations.
 */
import { ZenEngine } from '@gorules/zen-engine';
import type { HouseholdFacts, MonthParameters, Outputs } from './rules.ts';

function table(
  id: string,
  name: string,
  inputs: readonly string[],
  outputs: readonly string[],
  rows: readonly (readonly string[])[],
) {
  const inputIds = inputs.map((_, i) => `${id}-in-${i}`);
  const outputIds = outputs.map((_, i) => `${id}-out-${i}`);
  return {
    id,
    name,
    type: 'decisionTableNode',
    position: { x: 0, y: 0 },
    content: {
      hitPolicy: 'first',
      passThrough: true,
      inputs: inputs.map((field, i) => ({ id: inputIds[i], name: field, field })),
      outputs: outputs.map((field, i) => ({ id: outputIds[i], name: field, field })),
      rules: rows.map((row, r) => {
        const rule: Record<string, string> = { _id: `${id}-rule-${r}` };
        inputIds.forEach((column, i) => {
          rule[column] = row[i] ?? '';
        });
        outputIds.forEach((column, i) => {
          rule[column] = row[inputs.length + i] ?? '';
        });
        return rule;
      }),
    },
  };
}

function expressions(id: string, name: string, entries: readonly (readonly [string, string])[]) {
  return {
    id,
    name,
    type: 'expressionNode',
    position: { x: 0, y: 0 },
    content: {
      passThrough: true,
      expressions: entries.map(([key, value], i) => ({ id: `${id}-${i}`, key, value })),
    },
  };
}

/** The JDM document (plain JSON) for the month's parameters. */
export function decisionGraph(p: MonthParameters) {
  const low = p.lowIncomeShare * p.mce;
  const split = p.bandSplitShare * p.mce;
  const limit = p.borderlineLimitShare * p.mce;
  const nodes = [
    { id: 'request', name: 'household facts', type: 'inputNode', position: { x: 0, y: 0 } },
    expressions('exclusion', 'exclusion filters', [
      [
        'excluded',
        `residentialDwellings > ${p.maxResidentialDwellings} or nonResidentialProperties > ${p.maxNonResidentialProperties}` +
          ` or (newestVehicleYear > 0 and ${p.month.year} - newestVehicleYear <= ${p.maxCarAgeYears})` +
          ` or vehicles >= ${p.carCountLimit} or deposits >= ${p.depositLimit} or securityServiceMembers > 0`,
      ],
    ]),
    table(
      'band',
      'income band',
      ['perCapitaIncome'],
      ['band'],
      [
        [`< ${low}`, '1'],
        [`[${low}..${split}]`, '2'],
        [`(${split}..${limit}]`, '3'],
        ['', '4'],
      ],
    ),
    table(
      'category',
      'Social Registry category',
      ['excluded', 'band', 'membersAbleToWork', 'previousCategory', 'recentlyEmployed', 'mahallaHardship'],
      ['category', 'share'],
      [
        ['true', '', '', '', '', '', '0', '0'],
        ['', '1', '0', '', '', '', '1', '1'],
        ['', '1', '', '', '', '', '2', '1'],
        ['', '', '', '2', '> 0', '', '2', '1'],
        ['', '2', '', '', '', '', '3', String(p.lowerBandShare)],
        ['', '3', '', '', '', '', '3', String(p.upperBandShare)],
        ['', '', '', '1, 2', '', '', '3', String(p.outsideBandsShare)],
        ['', '', '', '', '', '1', '3', String(p.outsideBandsShare)],
        ['', '', '', '', '', '', '0', '0'],
      ],
    ),
    expressions('amounts', 'child allowance and material assistance', [
      [
        'childAllowance',
        `round((children > 0 ? (firstChildAge < ${p.youngChildAgeLimit} ? ${p.firstChildUnder3} : ${p.firstChild3To18})` +
          ` + (children >= 2 ? ${p.secondChildSupplement} : 0)` +
          ` + (children > 2 ? (children - 2) * ${p.furtherChildSupplement} : 0) : 0) * share)`,
      ],
      ['materialAssistance', `children == 0 ? round(${p.materialAssistance} * share) : 0`],
    ]),
    { id: 'response', name: 'outputs', type: 'outputNode', position: { x: 0, y: 0 } },
  ];
  const order = ['request', 'exclusion', 'band', 'category', 'amounts', 'response'];
  const edges = order.slice(1).map((target, i) => ({
    id: `edge-${i}`,
    sourceId: order[i],
    targetId: target,
    type: 'edge',
  }));
  return { contentType: 'application/vnd.gorules.decision', nodes, edges };
}

interface ZenResult {
  category?: unknown;
  share?: unknown;
  childAllowance?: unknown;
  materialAssistance?: unknown;
}

const num = (value: unknown): number => (typeof value === 'number' ? value : Number.NaN);

export interface ZenRunner {
  run(facts: readonly HouseholdFacts[], out: Outputs, indices?: ArrayLike<number>): Promise<void>;
  dispose(): void;
}

/** `chunk` evaluations in flight at a time: 100 was the fastest of 1, 10, 100, 1000 and 5000. */
export function createZen(p: MonthParameters, chunk = 100): ZenRunner {
  const engine = new ZenEngine();
  const decision = engine.createDecision(decisionGraph(p));
  return {
    async run(facts, out, indices) {
      const n = indices ? indices.length : facts.length;
      for (let start = 0; start < n; start += chunk) {
        const end = Math.min(n, start + chunk);
        const runs: Promise<void>[] = [];
        for (let k = start; k < end; k++) {
          const h = indices ? (indices[k] ?? 0) : k;
          runs.push(
            decision.evaluate(facts[h]).then((response) => {
              const r = response.result as ZenResult;
              out.category[h] = num(r.category);
              out.share[h] = num(r.share);
              out.childAllowance[h] = num(r.childAllowance);
              out.materialAssistance[h] = num(r.materialAssistance);
            }),
          );
        }
        await Promise.all(runs);
      }
    },
    dispose() {
      engine.dispose();
    },
  };
}
