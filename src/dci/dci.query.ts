import { PredicateQuery, type QueryType, TypedQuery } from './dci.schemas.ts';

/**
 * The three DCI query types parsed into one small condition tree over a fixed list of attributes. Nothing
 * of the caller's text ever becomes SQL: attribute names are looked up in ATTRIBUTES (an unknown name is a
 * rejection), operators come from a closed list, and values are normalised here and bound as parameters
 * by the repository (dci.repository.ts `conditionSql`).
 */

export type Entity = 'Group' | 'Member';
export type ValueKind = 'text' | 'number' | 'date' | 'uuid' | 'sex' | 'pinfl';
export type Operator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in';

export interface Attribute {
  /** Columns of the search row (`r.*` in the repository); several = any of them (location). */
  columns: readonly string[];
  kind: ValueKind;
  /** Member attributes exist only in Member searches; `member_pinfl` is the Group's "has this member". */
  entity?: Entity;
  /** Operators allowed besides eq/in (ordering makes no sense for codes). */
  ordered: boolean;
  sortable: boolean;
}

const group = (columns: string[], kind: ValueKind, ordered = false): Attribute => ({
  columns,
  kind,
  ordered,
  sortable: columns.length === 1,
});

/** Queryable attributes, by the names callers use (lower-cased), with the standard's usual aliases. */
export const ATTRIBUTES: Readonly<Record<string, Attribute>> = {
  household_id: group(['household_id'], 'uuid'),
  group_id: group(['household_id'], 'uuid'),
  region: group(['region_code'], 'text'),
  region_code: group(['region_code'], 'text'),
  district: group(['district_code'], 'text'),
  district_code: group(['district_code'], 'text'),
  mahalla: group(['mahalla_code'], 'text'),
  mahalla_code: group(['mahalla_code'], 'text'),
  location: group(['region_code', 'district_code', 'mahalla_code'], 'text'),
  category: group(['category'], 'text'),
  group_size: group(['group_size'], 'number', true),
  member_count: group(['group_size'], 'number', true),
  poverty_score: group(['poverty_score'], 'number', true),
  registration_date: group(['registration_date'], 'date', true),
  member_pinfl: {
    columns: ['member_pinfl'],
    kind: 'pinfl',
    ordered: false,
    sortable: false,
    entity: 'Group',
  },
  person_id: { columns: ['person_id'], kind: 'uuid', ordered: false, sortable: false, entity: 'Member' },
  pinfl: { columns: ['pinfl'], kind: 'pinfl', ordered: false, sortable: true, entity: 'Member' },
  uin: { columns: ['pinfl'], kind: 'pinfl', ordered: false, sortable: true, entity: 'Member' },
  sex: { columns: ['sex'], kind: 'sex', ordered: false, sortable: true, entity: 'Member' },
  birth_date: { columns: ['birth_date'], kind: 'date', ordered: true, sortable: true, entity: 'Member' },
  dob: { columns: ['birth_date'], kind: 'date', ordered: true, sortable: true, entity: 'Member' },
  age: { columns: ['age'], kind: 'number', ordered: true, sortable: true, entity: 'Member' },
  relationship: { columns: ['relationship'], kind: 'text', ordered: false, sortable: true, entity: 'Member' },
  employment_status: {
    columns: ['employment'],
    kind: 'text',
    ordered: false,
    sortable: true,
    entity: 'Member',
  },
};

export type Condition =
  | { op: Operator; attribute: string; columns: readonly string[]; kind: ValueKind; value: Scalar | Scalar[] }
  | { and: Condition[] }
  | { or: Condition[] }
  | { not: Condition };
export type Scalar = string | number;

/** Why a query was refused: the standard's reason code for the request and a message for people. */
export class QueryError extends Error {
  constructor(
    readonly reason: 'rjct.search_criteria.invalid' | 'rjct.filter.invalid' | 'rjct.sort.invalid',
    message: string,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

const MAX_CONDITIONS = 50;
const MAX_DEPTH = 6;
const MAX_IN = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * A table entry by the caller's name, own keys only: `constructor`, `__proto__` or `toString` are names a
 * caller can send, and must be unknown names, not Object.prototype's members.
 */
const lookup = <T>(table: Readonly<Record<string, T>>, name: string): T | undefined =>
  Object.hasOwn(table, name) ? table[name] : undefined;

/** 'ns:org:QueryType:expression' → 'expression'; 'UIN' → 'uin'. */
export const localName = (name: string) => (name.split(':').pop() ?? name).trim().toLowerCase();

export function attributeFor(name: string, entity: Entity): Attribute & { name: string } {
  const key = localName(name);
  const attribute = lookup(ATTRIBUTES, key);
  if (!attribute) {
    throw new QueryError(
      'rjct.search_criteria.invalid',
      `unknown attribute '${key}'; known: ${Object.keys(ATTRIBUTES).join(', ')}`,
    );
  }
  if (attribute.entity && attribute.entity !== entity) {
    throw new QueryError(
      'rjct.search_criteria.invalid',
      `attribute '${key}' is for ${attribute.entity} searches`,
    );
  }
  return { ...attribute, name: key };
}

function scalar(attribute: Attribute & { name: string }, value: unknown): Scalar {
  const bad = (why: string) =>
    new QueryError('rjct.search_criteria.invalid', `attribute '${attribute.name}': ${why}`);
  switch (attribute.kind) {
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) throw bad('a number is expected');
      return n;
    }
    case 'date': {
      if (typeof value !== 'string' || !DATE.test(value)) throw bad('a date (YYYY-MM-DD) is expected');
      const day = value.slice(0, 10);
      if (Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw bad('not a calendar date');
      return day;
    }
    case 'uuid':
      if (typeof value !== 'string' || !UUID.test(value)) throw bad('an id (uuid) is expected');
      return value.toLowerCase();
    case 'pinfl': {
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text !== 'string' || !/^\d{14}$/.test(text)) throw bad('a PINFL has 14 digits');
      return text;
    }
    case 'sex': {
      const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
      if (text === 'male' || text === 'm') return 'M';
      if (text === 'female' || text === 'f') return 'F';
      throw bad("'male' or 'female' is expected");
    }
    case 'text':
      if (typeof value === 'number') return String(value);
      if (typeof value !== 'string' || value.length === 0 || value.length > 200)
        throw bad('a text is expected');
      return value;
  }
}

function comparison(attributeName: string, op: Operator, value: unknown, entity: Entity): Condition {
  const attribute = attributeFor(attributeName, entity);
  if (op === 'in') {
    // The standard's attribute_value cannot be a list: a comma-separated text is its list form.
    const list = Array.isArray(value)
      ? value
      : typeof value === 'string'
        ? value.split(',').map((v) => v.trim())
        : [value];
    if (list.length === 0 || list.length > MAX_IN) {
      throw new QueryError('rjct.search_criteria.invalid', `'in' takes 1 to ${MAX_IN} values`);
    }
    return {
      op,
      attribute: attribute.name,
      columns: attribute.columns,
      kind: attribute.kind,
      value: list.map((v) => scalar(attribute, v)),
    };
  }
  if (op !== 'eq' && op !== 'ne' && !attribute.ordered) {
    throw new QueryError(
      'rjct.search_criteria.invalid',
      `attribute '${attribute.name}' takes eq, ne or in only`,
    );
  }
  return {
    op,
    attribute: attribute.name,
    columns: attribute.columns,
    kind: attribute.kind,
    value: scalar(attribute, value),
  };
}

function count(condition: Condition): number {
  if ('and' in condition) return condition.and.reduce((n, c) => n + count(c), 0);
  if ('or' in condition) return condition.or.reduce((n, c) => n + count(c), 0);
  if ('not' in condition) return count(condition.not);
  return 1;
}

function bounded(condition: Condition): Condition {
  if (count(condition) > MAX_CONDITIONS) {
    throw new QueryError('rjct.search_criteria.invalid', `at most ${MAX_CONDITIONS} conditions`);
  }
  return condition;
}

// --- idtype-value ---

/** Identifier types: the PINFL (the standard's UIN / NationalID) and the household's id. */
const ID_TYPES: Readonly<Record<string, 'pinfl' | 'household'>> = {
  uin: 'pinfl',
  pinfl: 'pinfl',
  nationalid: 'pinfl',
  nid: 'pinfl',
  householdid: 'household',
  household_id: 'household',
  groupid: 'household',
  group_id: 'household',
  group_identifier: 'household',
};

function idTypeValue(query: unknown, entity: Entity): Condition {
  const parsed = TypedQuery.safeParse(query);
  if (!parsed.success || !parsed.data.type) {
    throw new QueryError('rjct.search_criteria.invalid', 'idtype-value takes {type, value}');
  }
  const idType = lookup(ID_TYPES, localName(parsed.data.type));
  if (!idType) {
    throw new QueryError(
      'rjct.search_criteria.invalid',
      `unknown identifier type '${parsed.data.type}'; known: UIN, PINFL, NationalID, HouseholdID`,
    );
  }
  const value = parsed.data.value;
  if (idType === 'household') return comparison('household_id', 'eq', value, entity);
  return comparison(entity === 'Group' ? 'member_pinfl' : 'pinfl', 'eq', value, entity);
}

// --- expression (a JSON condition language in the style of the standard's example) ---

const MONGO_OPS: Readonly<Record<string, Operator>> = {
  $eq: 'eq',
  $ne: 'ne',
  $lt: 'lt',
  $lte: 'le',
  $gt: 'gt',
  $gte: 'ge',
  $in: 'in',
};

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function expressionNode(node: unknown, entity: Entity, depth: number): Condition {
  if (depth > MAX_DEPTH)
    throw new QueryError('rjct.search_criteria.invalid', `nested deeper than ${MAX_DEPTH}`);
  if (!isObject(node) || Object.keys(node).length === 0) {
    throw new QueryError('rjct.search_criteria.invalid', 'an expression is a non-empty object');
  }
  const parts: Condition[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) {
        throw new QueryError('rjct.search_criteria.invalid', `${key} takes a non-empty list`);
      }
      const children = value.map((child) => expressionNode(child, entity, depth + 1));
      parts.push(key === '$and' ? { and: children } : { or: children });
    } else if (key === '$not') {
      parts.push({ not: expressionNode(value, entity, depth + 1) });
    } else if (key.startsWith('$')) {
      throw new QueryError('rjct.search_criteria.invalid', `unknown operator ${key}`);
    } else if (isObject(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0)
        throw new QueryError('rjct.search_criteria.invalid', `no condition on ${key}`);
      for (const [op, operand] of entries) {
        const operator = lookup(MONGO_OPS, op);
        if (!operator) throw new QueryError('rjct.search_criteria.invalid', `unknown operator ${op}`);
        parts.push(comparison(key, operator, operand, entity));
      }
    } else {
      parts.push(comparison(key, Array.isArray(value) ? 'in' : 'eq', value, entity));
    }
  }
  return parts.length === 1 && parts[0] ? parts[0] : { and: parts };
}

/** The condition object inside `{type, value}`: `value.expression.query`, `value.expression` or `value`. */
function expressionOf(query: unknown): { condition: unknown; collection?: Entity } {
  const value = isObject(query) && 'value' in query ? query.value : query;
  if (typeof value === 'string' || (isObject(value) && typeof value.expression === 'string')) {
    throw new QueryError(
      'rjct.search_criteria.invalid',
      'text expressions (GraphQL and the like) are not supported; send the JSON condition form',
    );
  }
  if (!isObject(value))
    throw new QueryError('rjct.search_criteria.invalid', 'expression value is not an object');
  const inner = isObject(value.expression) ? value.expression : value;
  const collection = typeof inner.collection === 'string' ? localName(inner.collection) : undefined;
  const condition = isObject(inner.query) ? inner.query : inner;
  const entity = collection === 'member' ? 'Member' : collection === 'group' ? 'Group' : undefined;
  if (condition === inner && 'collection' in inner) {
    const { collection: _c, ...rest } = inner;
    return { condition: rest, ...(entity ? { collection: entity } : {}) };
  }
  return { condition, ...(entity ? { collection: entity } : {}) };
}

// --- predicate ---

function predicate(query: unknown, entity: Entity): Condition {
  const parsed = PredicateQuery.safeParse(query);
  if (!parsed.success) {
    throw new QueryError(
      'rjct.search_criteria.invalid',
      'predicate takes a list of {expression1, condition?, expression2?}',
    );
  }
  const items = [...parsed.data].sort((a, b) => (a.seq_num ?? 0) - (b.seq_num ?? 0));
  const parts = items.map((item): Condition => {
    const e1 = item.expression1;
    const first = comparison(e1.attribute_name, e1.operator, e1.attribute_value, entity);
    const e2 = item.expression2;
    if (!item.condition && !e2) return first;
    if (!item.condition || !e2) {
      throw new QueryError('rjct.search_criteria.invalid', 'condition and expression2 go together');
    }
    const second = comparison(e2.attribute_name, e2.operator, e2.attribute_value, entity);
    if (item.condition === 'and') return { and: [first, second] };
    if (item.condition === 'or') return { or: [first, second] };
    return { and: [first, { not: second }] };
  });
  return parts.length === 1 && parts[0] ? parts[0] : { and: parts };
}

/** The entity a search returns: `response_entity`, else the record type or expression collection, else Group. */
export function entityOf(responseEntity?: string, recordType?: string): Entity | undefined {
  for (const name of [responseEntity, recordType]) {
    if (!name) continue;
    const local = localName(name);
    if (local === 'member' || local === 'srperson' || local === 'person') return 'Member';
    if (local === 'group' || local === 'household') return 'Group';
  }
  return undefined;
}

export interface ParsedQuery {
  entity: Entity;
  condition: Condition;
}

/**
 * Parses a query (or a subscription filter) of one of the three types. `entity` when the caller named
 * it; an expression's `collection` may name it otherwise.
 */
export function parseQuery(queryType: string, query: unknown, entity: Entity | undefined): ParsedQuery {
  const type = localName(queryType) as QueryType;
  switch (type) {
    case 'idtype-value': {
      const e = entity ?? 'Group';
      return { entity: e, condition: idTypeValue(query, e) };
    }
    case 'expression': {
      const { condition, collection } = expressionOf(query);
      const e = entity ?? collection ?? 'Group';
      return { entity: e, condition: bounded(expressionNode(condition, e, 1)) };
    }
    case 'predicate': {
      const e = entity ?? 'Group';
      return { entity: e, condition: bounded(predicate(query, e)) };
    }
    default:
      throw new QueryError(
        'rjct.search_criteria.invalid',
        `query_type '${queryType}' is not supported; use idtype-value, expression or predicate`,
      );
  }
}

export interface SortKey {
  column: string;
  descending: boolean;
}

/** `sort` of a search: sortable attributes only, else `rjct.sort.invalid`. */
export function parseSort(sort: readonly unknown[] | undefined, entity: Entity): SortKey[] {
  if (!sort) return [];
  return sort.map((item) => {
    if (!isObject(item) || typeof item.attribute_name !== 'string') {
      throw new QueryError('rjct.sort.invalid', 'sort items are {attribute_name, sort_order}');
    }
    const order = item.sort_order ?? 'asc';
    if (order !== 'asc' && order !== 'desc')
      throw new QueryError('rjct.sort.invalid', 'sort_order is asc or desc');
    let attribute: Attribute;
    try {
      attribute = attributeFor(item.attribute_name, entity);
    } catch (error) {
      throw new QueryError('rjct.sort.invalid', (error as Error).message);
    }
    const column = attribute.columns[0];
    if (!attribute.sortable || !column) {
      throw new QueryError('rjct.sort.invalid', `cannot sort by '${item.attribute_name}'`);
    }
    return { column, descending: order === 'desc' };
  });
}

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

/** The standard's pagination (pages count from 1); undefined when it is not a valid page. */
export function parsePagination(
  pagination: { page_size: unknown; page_number?: unknown } | undefined,
): { pageSize: number; pageNumber: number } | undefined {
  if (!pagination) return { pageSize: DEFAULT_PAGE_SIZE, pageNumber: 1 };
  const { page_size: size, page_number: number = 1 } = pagination;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE)
    return undefined;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 1_000_000)
    return undefined;
  return { pageSize: size, pageNumber: number };
}
