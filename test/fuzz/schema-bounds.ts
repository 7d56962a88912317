import type { JsonSchema } from './schema-sample.ts';

/** Formats of a fixed length (patterns and closed lists count as bounds too, below). */
const BOUNDED_FORMATS = new Set(['uuid', 'date', 'date-time']);

/** Strings without a length limit, numbers without a range, arrays without a size limit, in a request schema. */
export function unboundedIn(schema: JsonSchema, at: string, out: string[]): void {
  for (const choice of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) {
    unboundedIn(choice, at, out);
  }
  const types = [schema.type ?? []].flat();
  const closed = schema.enum !== undefined || schema.const !== undefined;
  if (types.includes('string') && !closed && schema.maxLength === undefined && schema.pattern === undefined) {
    if (!BOUNDED_FORMATS.has(schema.format ?? '')) out.push(`${at}: string without maxLength`);
  }
  if ((types.includes('number') || types.includes('integer')) && !closed) {
    const low = schema.minimum ?? schema.exclusiveMinimum;
    const high = schema.maximum ?? schema.exclusiveMaximum;
    if (low === undefined || high === undefined) out.push(`${at}: number without a range`);
  }
  if (types.includes('array')) {
    if (schema.maxItems === undefined) out.push(`${at}: array without maxItems`);
    if (schema.items) unboundedIn(schema.items, `${at}[]`, out);
  }
  for (const [key, property] of Object.entries(schema.properties ?? {}))
    unboundedIn(property, `${at}.${key}`, out);
  if (typeof schema.additionalProperties === 'object')
    unboundedIn(schema.additionalProperties, `${at}.*`, out);
}
