/**
 * The decision records other contexts read and write, published by the decisions context: casework
 * checks the decision an appeal names, and an approved override is a run of its own (run, traces,
 * decisions, entitlements) written in casework's transaction. Other contexts import these from here,
 * never from decision.repository.ts (the boundary rule `data-through-service` of .dependency-cruiser.cjs).
 */
export {
  createRun,
  type DecisionRecord,
  findDecision,
  findDecisionHousehold,
  findEntitlements,
  finishRun,
  householdExists,
  insertDecisions,
  insertTraces,
  upsertEntitlements,
} from './decision.repository.ts';
