/**
 * Requests that break a schema, made from one that fits it: a required member removed, a member
 * of the wrong type, a value outside an enum or const. Each is kept only when the given validator
 * confirms it is invalid, so every mutation really breaks the spec.
 */
import type { JsonObject, SpecObject } from './json.js';

export type MutationKind = 'missing-field' | 'wrong-type' | 'bad-enum';

export interface Mutation {
  kind: MutationKind;
  /** E.g. `missing /action`. */
  name: string;
  body: JsonObject;
}

/** Properties and required names of an object schema, through `allOf` (rules in if/then are left to the validator). */
function objectShape(schema: SpecObject): { properties: Record<string, SpecObject>; required: string[] } {
  const shape = {
    properties: { ...schema.properties } as Record<string, SpecObject>,
    required: [...(schema.required ?? [])] as string[],
  };
  for (const branch of (schema.allOf ?? []) as SpecObject[]) {
    const inner = objectShape(branch);
    Object.assign(shape.properties, inner.properties);
    shape.required.push(...inner.required);
  }
  return { properties: shape.properties, required: [...new Set(shape.required)] };
}

const jsonTypeOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
const wrongTypeCandidates: unknown[] = [12345, 'not-a-number', true, { unexpected: 'object' }, ['unexpected', 'array']];

function wrongTypeFor(schema: SpecObject): unknown {
  if (!schema.type) return undefined;
  const allowed = new Set<string>([schema.type].flat());
  if (allowed.has('number')) allowed.add('integer');
  return wrongTypeCandidates.find((candidate) => !allowed.has(jsonTypeOf(candidate)));
}

export function schemaBreakingMutations(
  body: JsonObject,
  schema: SpecObject,
  isInvalid: (candidate: JsonObject) => boolean,
): Mutation[] {
  const mutations: Mutation[] = [];
  const add = (kind: MutationKind, name: string, mutated: JsonObject) => {
    if (isInvalid(mutated)) mutations.push({ kind, name, body: mutated });
  };
  const { properties, required } = objectShape(schema);
  for (const field of required) {
    const { [field]: _removed, ...rest } = body;
    add('missing-field', `missing /${field}`, rest);
  }
  for (const [field, propertySchema] of Object.entries(properties)) {
    const wrong = wrongTypeFor(propertySchema);
    if (wrong !== undefined) add('wrong-type', `wrong type at /${field}`, { ...body, [field]: wrong });
    if ('const' in propertySchema || Array.isArray(propertySchema.enum))
      add('bad-enum', `undocumented value at /${field}`, { ...body, [field]: 'not-a-documented-value' });
  }
  return mutations;
}
