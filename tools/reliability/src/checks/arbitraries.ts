/**
 * fast-check arbitraries built from JSON Schemas (the dereferenced spec's): values that the
 * schema accepts. Covers what the trackspec specs use — const, enum, types, string patterns and
 * formats, bounds, arrays, objects (required, optional, propertyNames, open objects), allOf,
 * anyOf/oneOf, and JSON carried in strings (contentSchema). Rules it does not model (if/then)
 * are left to Ajv: callers filter with the real validator.
 */
import { isJsonMediaType, type SpecObject as Schema } from '@trackspec/specs';
import fc from 'fast-check';

const formats: Record<string, () => fc.Arbitrary<string>> = {
  'date-time': () =>
    fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true })
      .map((date) => date.toISOString()),
  date: () =>
    fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
      .map((date) => date.toISOString().slice(0, 10)),
  email: () => fc.emailAddress(),
  ipv4: () => fc.ipV4(),
  ipv6: () => fc.ipV6(),
  uri: () => fc.webUrl(),
  'uri-reference': () => fc.webUrl(),
};

const text = (schema: Schema) =>
  fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 24) });

function stringArbitrary(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.contentSchema && isJsonMediaType(String(schema.contentMediaType)))
    return arbitraryFor(schema.contentSchema).map((value) => JSON.stringify(value));
  if (schema.pattern)
    return fc
      .stringMatching(new RegExp(schema.pattern))
      .filter(
        (value) =>
          value.length >= (schema.minLength ?? 0) &&
          value.length <= (schema.maxLength ?? Infinity) &&
          value.length <= 200,
      );
  if (schema.format && formats[schema.format]) return formats[schema.format]!();
  return text(schema);
}

function numberArbitrary(schema: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1_000_000);
  return integer
    ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Properties and required names through allOf (the branches' other keywords are checked by Ajv). */
function mergedObject(schema: Schema): Schema {
  if (!schema.allOf) return schema;
  const merged: Schema = { ...schema, properties: { ...schema.properties }, required: [...(schema.required ?? [])] };
  delete merged.allOf;
  for (const branch of schema.allOf as Schema[]) {
    const inner = mergedObject(branch);
    Object.assign(merged.properties, inner.properties ?? {});
    merged.required.push(...(inner.required ?? []));
    if (inner.type && !merged.type) merged.type = inner.type;
  }
  return merged;
}

function objectArbitrary(schema: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const merged = mergedObject(schema);
  const properties = (merged.properties ?? {}) as Record<string, Schema>;
  const required = new Set<string>(merged.required ?? []);
  const known = fc.record(
    Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, arbitraryFor(property, depth + 1)])),
    { requiredKeys: [...required].filter((name) => name in properties) },
  );
  const open = merged.additionalProperties !== false && depth < 3;
  if (!open) return known;
  const keyArbitrary = merged.propertyNames?.pattern
    ? fc.stringMatching(new RegExp(merged.propertyNames.pattern)).filter((key) => key.length > 0 && key.length < 30)
    : fc.string({ minLength: 1, maxLength: 12 });
  const valueArbitrary =
    typeof merged.additionalProperties === 'object'
      ? arbitraryFor(merged.additionalProperties, depth + 1)
      : fc.oneof(fc.string({ maxLength: 12 }), fc.integer(), fc.boolean());
  const extras = fc.dictionary(
    keyArbitrary.filter((key) => !(key in properties) && key !== '__proto__'),
    valueArbitrary,
    { maxKeys: 3 },
  );
  return fc.tuple(known, extras).map(([values, more]) => ({ ...more, ...values }));
}

export function arbitraryFor(schema: Schema = {}, depth = 0): fc.Arbitrary<unknown> {
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const branches = (schema.oneOf ?? schema.anyOf) as Schema[] | undefined;
  if (branches) {
    const { oneOf: _oneOf, anyOf: _anyOf, discriminator: _discriminator, ...rest } = schema;
    return fc.oneof(
      ...branches.map((branch) =>
        arbitraryFor(
          {
            ...rest,
            ...branch,
            ...(rest.properties || branch.properties
              ? { properties: { ...rest.properties, ...branch.properties } }
              : {}),
          },
          depth,
        ),
      ),
    );
  }
  const type = Array.isArray(schema.type)
    ? schema.type
    : schema.type
      ? [schema.type]
      : schema.properties || schema.allOf
        ? ['object']
        : ['string', 'integer', 'boolean'];
  return fc.oneof(
    ...type.map((one: string): fc.Arbitrary<unknown> => {
      switch (one) {
        case 'string':
          return stringArbitrary(schema);
        case 'integer':
          return numberArbitrary(schema, true);
        case 'number':
          return numberArbitrary(schema, false);
        case 'boolean':
          return fc.boolean();
        case 'null':
          return fc.constant(null);
        case 'array':
          return fc.array(arbitraryFor(schema.items ?? {}, depth + 1), {
            minLength: schema.minItems ?? 0,
            maxLength: Math.min(schema.maxItems ?? 3, 3),
          });
        default:
          return objectArbitrary(schema, depth);
      }
    }),
  );
}
