import fc from 'fast-check';
import type { Random } from '../../src/shared/random.ts';

/** The part of JSON Schema (as @fastify/swagger writes it into /openapi.json) the fuzz test reads. */
export interface JsonSchema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/**
 * Values the schema cannot tell: real identifiers of the test world by property name, so that requests
 * carry ids that exist and get past "not found" into the handler's real work.
 */
export type Hints = Readonly<Record<string, (random: Random) => unknown>>;

const MAX_DEPTH = 8;

/** A value the schema accepts (as far as a schema can say): required properties and some optional ones. */
export function sampleValue(
  schema: JsonSchema,
  random: Random,
  hints: Hints,
  name?: string,
  depth = 0,
): unknown {
  const hint = name !== undefined && Object.hasOwn(hints, name) ? hints[name] : undefined;
  if (hint) return hint(random);
  if (depth > MAX_DEPTH) return null;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum && schema.enum.length > 0) return random.pick(schema.enum);
  const choices = schema.oneOf ?? schema.anyOf;
  if (choices && choices.length > 0) {
    // A nullable field is anyOf [T, null]: prefer the value, so the handler sees something to work on.
    const nonNull = choices.filter((c) => c.type !== 'null');
    return sampleValue(random.pick(nonNull.length > 0 ? nonNull : choices), random, hints, name, depth + 1);
  }
  if (schema.allOf && schema.allOf.length > 0)
    return sampleValue(schema.allOf[0] ?? {}, random, hints, name, depth + 1);
  const types = [schema.type ?? []].flat().filter((t) => t !== 'null');
  if (schema.type === 'null' || (Array.isArray(schema.type) && types.length === 0)) return null;
  const type = types.length > 0 ? random.pick(types) : undefined;
  switch (type) {
    case 'string':
      return sampleString(schema, random);
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      const max = Math.min(schema.maximum ?? min + 100, min + 1000);
      return random.int(Math.ceil(min), Math.floor(max));
    }
    case 'boolean':
      return random.chance(0.5);
    case 'array': {
      const n = Math.max(schema.minItems ?? 1, 1);
      return Array.from({ length: n }, () => sampleValue(schema.items ?? {}, random, hints, name, depth + 1));
    }
    case 'object':
      return sampleObject(schema, random, hints, depth);
    default:
      if (schema.properties) return sampleObject(schema, random, hints, depth);
      return schema.default ?? 'x';
  }
}

function sampleObject(schema: JsonSchema, random: Random, hints: Hints, depth: number) {
  const out: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (!required.has(key) && !random.chance(0.6)) continue;
    out[key] = sampleValue(property, random, hints, key, depth + 1);
  }
  return out;
}

function sampleString(schema: JsonSchema, random: Random): string {
  switch (schema.format) {
    case 'uuid':
      return random.uuid();
    case 'date':
      // Mostly near the test world's month; sometimes long before the rules, or at the edge of the range.
      return random.chance(0.8)
        ? `2026-0${random.int(1, 3)}-${String(random.int(1, 28)).padStart(2, '0')}`
        : random.pick(['2020-02-29', '1900-01-01', '2100-12-31', '1985-07-15']);
    case 'date-time':
      return '2026-03-05T10:00:00.000Z';
    case 'uri':
      return 'https://partner.example/callback';
    case 'byte':
      return Buffer.from('%PDF-1.4 fuzz').toString('base64');
  }
  if (schema.pattern) {
    const [value] = fc.sample(fc.stringMatching(new RegExp(schema.pattern)), {
      seed: random.int(0, 2 ** 31 - 1),
      numRuns: 1,
    });
    if (value !== undefined) return value;
  }
  const min = schema.minLength ?? 1;
  const max = schema.maxLength ?? 40;
  const word = random.pick(['Navbahor', 'fuzz', 'Xorazm', "G'ulomov", 'test']);
  return word.padEnd(min, 'x').slice(0, Math.max(min, Math.min(max, word.length)));
}

/** A path into a JSON value: object keys and array indexes. */
export type JsonPath = (string | number)[];

/** Every position of a JSON value (its root, objects, arrays and leaves), for replacing one of them. */
export function positionsOf(value: unknown, path: JsonPath = []): JsonPath[] {
  const out: JsonPath[] = [path];
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push(...positionsOf(v, [...path, i]));
    });
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...positionsOf(v, [...path, k]));
  return out;
}

/** The value at a position, or undefined. */
export function valueAt(value: unknown, path: JsonPath): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Objects inside a JSON value (where an extra key such as `__proto__` can go). */
export function objectsOf(value: unknown, path: JsonPath = []): JsonPath[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => objectsOf(v, [...path, i]));
  if (value === null || typeof value !== 'object') return [];
  return [path, ...Object.entries(value).flatMap(([k, v]) => objectsOf(v, [...path, k]))];
}

/** A deep copy of `value` with the position `path` replaced (or, with `extraKey`, a key added there). */
export function replaceAt(value: unknown, path: JsonPath, next: unknown, extraKey?: string): unknown {
  if (path.length === 0) {
    if (extraKey === undefined) return next;
    const copy = { ...(value as Record<string, unknown>) };
    // defineProperty, not assignment: `copy.__proto__ = x` would set the prototype instead of a key.
    Object.defineProperty(copy, extraKey, {
      value: next,
      enumerable: true,
      configurable: true,
      writable: true,
    });
    return copy;
  }
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    return value.map((v, i) => (i === head ? replaceAt(v, rest, next, extraKey) : v));
  }
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) {
    Object.defineProperty(copy, k, {
      value: k === head ? replaceAt(v, rest, next, extraKey) : v,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return copy;
}
