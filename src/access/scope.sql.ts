import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Scope } from './policies.ts';

/**
 * Area scoping inside SQL: the predicates every repository adds to the WHERE clause of its lists, counts
 * and exports, so that rows outside the actor's areas are never read, not merely hidden afterwards.
 */

/** For a query over `household` (aliased or not): the household's own district and mahalla columns. */
export function householdRowInScope(scope: Scope, alias = 'household'): RawBuilder<SqlBool> {
  const district = sql.ref(`${alias}.district_code`);
  const mahalla = sql.ref(`${alias}.mahalla_code`);
  const id = sql.ref(`${alias}.id`);
  switch (scope.kind) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'none':
      return sql<SqlBool>`false`;
    case 'households':
      return scope.ids.length === 0 ? sql<SqlBool>`false` : sql<SqlBool>`${id} = any(${scope.ids}::uuid[])`;
    case 'areas':
      return sql<SqlBool>`(${district} in (select code from district where region_code = any(${scope.regions}::text[]))
        or ${district} = any(${scope.districts}::text[])
        or ${mahalla} = any(${scope.mahallas}::text[]))`;
  }
}

/** For a query over a table that names a household: `column` (e.g. 'decision.household_id') is in scope. */
export function householdIdInScope(scope: Scope, column: string): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  switch (scope.kind) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'none':
      return sql<SqlBool>`false`;
    case 'households':
      return scope.ids.length === 0 ? sql<SqlBool>`false` : sql<SqlBool>`${ref} = any(${scope.ids}::uuid[])`;
    case 'areas':
      return sql<SqlBool>`${ref} in (select scoped.id from household scoped where ${householdRowInScope(scope, 'scoped')})`;
  }
}

/** For a query over `person`: the person is a current member of a household in scope. */
export function personIdInScope(scope: Scope, column: string): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  if (scope.kind === 'all') return sql<SqlBool>`true`;
  if (scope.kind === 'none') return sql<SqlBool>`false`;
  return sql<SqlBool>`${ref} in (
    select sm.person_id from membership sm
    where sm.valid_to is null and ${householdIdInScope(scope, 'sm.household_id')})`;
}

/** For a query over `mahalla`: the mahalla lies within the scope's areas (or holds a household in scope). */
export function mahallaInScope(scope: Scope, alias = 'mahalla'): RawBuilder<SqlBool> {
  const code = sql.ref(`${alias}.code`);
  const district = sql.ref(`${alias}.district_code`);
  switch (scope.kind) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'none':
      return sql<SqlBool>`false`;
    case 'households':
      return sql<SqlBool>`${code} in (select mahalla_code from household where id = any(${scope.ids}::uuid[]))`;
    case 'areas':
      return sql<SqlBool>`(${district} in (select code from district where region_code = any(${scope.regions}::text[]))
        or ${district} = any(${scope.districts}::text[])
        or ${code} = any(${scope.mahallas}::text[]))`;
  }
}

/**
 * For a row that serves a whole district (a payment batch): `column` names a district within the scope's
 * regions or districts. A mahalla or a household grant reaches no district-wide row.
 */
export function districtCodeInScope(scope: Scope, column: string): RawBuilder<SqlBool> {
  const ref = sql.ref(column);
  switch (scope.kind) {
    case 'all':
      return sql<SqlBool>`true`;
    case 'areas':
      return sql<SqlBool>`(${ref} in (select code from district where region_code = any(${scope.regions}::text[]))
        or ${ref} = any(${scope.districts}::text[]))`;
    default:
      return sql<SqlBool>`false`;
  }
}
