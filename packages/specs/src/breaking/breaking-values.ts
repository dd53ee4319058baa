/**
 * Values that break one schema keyword: a type the schema does not allow, an ill-formed `format`,
 * a string a `pattern` refuses, a number or a length just past a bound. The validator has the last
 * word; these only aim well, so that most candidates are confirmed on the first try.
 */
import type { SpecObject } from '../json.js';

export const undocumentedValue = 'not-a-documented-value';

export const jsonTypeOf = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;

const wrongTypeCandidates: unknown[] = [12345, 'not-a-number', true, { unexpected: 'object' }, ['unexpected', 'array']];

/** The types every one of the schemas allows (undefined: no schema says). */
export function allowedTypes(schemas: readonly SpecObject[]): Set<string> | undefined {
  let allowed: Set<string> | undefined;
  for (const schema of schemas.filter((candidate) => candidate.type !== undefined)) {
    const types = new Set<string>([schema.type].flat());
    if (types.has('number')) types.add('integer');
    allowed = allowed ? new Set([...allowed].filter((type) => types.has(type))) : types;
  }
  return allowed;
}

/** A value none of the types allow. */
export function valueOutside(types: Set<string>): unknown {
  return wrongTypeCandidates.find((candidate) => !types.has(jsonTypeOf(candidate)));
}

/** Ill-formed values per `format`, most telling first (formats of numbers cannot be ill-formed strings). */
const illFormed: Record<string, string[]> = {
  'date-time': ['not-a-date-time', '2023-13-45T25:61:00Z'],
  date: ['not-a-date', '2023-02-30'],
  time: ['not-a-time', '25:61:00Z'],
  duration: ['not-a-duration'],
  email: ['not-an-email', 'two@@example.com'],
  'idn-email': ['not-an-email'],
  hostname: ['-not_a_hostname-', 'a..b'],
  ipv4: ['999.1.1.1', 'not-an-ipv4'],
  ipv6: ['not:an:ipv6', '1::2::3'],
  uri: ['not a uri', '::'],
  'uri-reference': ['not a uri reference\\', '\\\\'],
  iri: ['not an iri'],
  'iri-reference': ['\\\\'],
  'uri-template': ['{unclosed'],
  uuid: ['not-a-uuid', '123e4567-e89b-12d3-a456-42661417400g'],
  'json-pointer': ['no-leading-slash'],
  'relative-json-pointer': ['/not-relative'],
  regex: ['(unclosed'],
  byte: ['not base64!'],
};
const numericFormats = new Set(['int32', 'int64', 'float', 'double']);

export function illFormedValues(format: string): string[] {
  if (numericFormats.has(format)) return [];
  return illFormed[format] ?? [`not a valid ${format}`];
}

const patternCandidates = ['', '!!', ' not matching ', 'Not-Matching_0', '0', 'x'.repeat(300)];

/** Strings the pattern refuses, preferring those the schemas' length bounds accept (so the pattern is what breaks). */
export function stringsBreakingPattern(pattern: string, schemas: readonly SpecObject[]): string[] {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch {
    return [];
  }
  const withinLength = (text: string) =>
    schemas.every(
      (schema) =>
        (schema.minLength === undefined || text.length >= schema.minLength) &&
        (schema.maxLength === undefined || text.length <= schema.maxLength),
    );
  const refused = patternCandidates.filter((candidate) => !regex.test(candidate));
  return [...refused.filter(withinLength), ...refused.filter((candidate) => !withinLength(candidate))];
}

/** Past this, a bound is not worth testing with a value that large (it would test the body size limit instead). */
export const largestBoundTried = 4096;

/** Numbers just past each numeric bound, by keyword. */
export function numbersPastBounds(schemas: readonly SpecObject[], current: number): [string, number][] {
  const integral = allowedTypes(schemas)?.has('number') === false;
  const step = integral ? 1 : 0.5;
  const past: [string, number][] = [];
  for (const schema of schemas) {
    if (typeof schema.minimum === 'number') past.push(['minimum', schema.minimum - step]);
    if (typeof schema.exclusiveMinimum === 'number') past.push(['exclusiveMinimum', schema.exclusiveMinimum]);
    if (typeof schema.maximum === 'number') past.push(['maximum', schema.maximum + step]);
    if (typeof schema.exclusiveMaximum === 'number') past.push(['exclusiveMaximum', schema.exclusiveMaximum]);
    if (typeof schema.multipleOf === 'number' && schema.multipleOf > 0)
      past.push(['multipleOf', (Math.floor(current / schema.multipleOf) + 0.5) * schema.multipleOf]);
  }
  return past;
}
