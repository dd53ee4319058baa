/**
 * Where in a JSON body a mutation can break it: the required properties its schema names (walking
 * `properties`, `items` and the subschemas of `allOf`/`anyOf`/`oneOf`/`if`), and every value it holds.
 * A path is a list of keys (array indexes as strings); the root itself is never one.
 */
import type { SpecObject } from '@trackspec/specs';

type Path = string[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const subschemas = (schema: SpecObject): SpecObject[] =>
  [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? []), schema.then, schema.else].filter(
    isRecord,
  );

/** Paths of the properties present in `body` that `schema` requires, shallowest first. */
export function requiredPropertyPaths(body: unknown, schema: SpecObject | undefined, at: Path = []): Path[] {
  if (!isRecord(schema)) return [];
  const paths: Path[] = [];
  if (isRecord(body)) {
    for (const key of (schema.required ?? []) as string[]) if (key in body) paths.push([...at, key]);
    for (const [key, property] of Object.entries((schema.properties ?? {}) as Record<string, SpecObject>))
      if (key in body) paths.push(...requiredPropertyPaths(body[key], property, [...at, key]));
  }
  if (Array.isArray(body) && body.length > 0)
    paths.push(...requiredPropertyPaths(body[0], schema.items as SpecObject | undefined, [...at, '0']));
  for (const subschema of subschemas(schema)) paths.push(...requiredPropertyPaths(body, subschema, at));
  return paths;
}

/** Paths of every value in `body` (object members and array items), breadth first. */
export function valuePaths(body: unknown): Path[] {
  const paths: Path[] = [];
  const queue: Array<[unknown, Path]> = [[body, []]];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [value, at] = next;
    if (value === null || typeof value !== 'object') continue;
    for (const [key, child] of Object.entries(value)) {
      paths.push([...at, key]);
      queue.push([child, [...at, key]]);
    }
  }
  return paths;
}

export const valueAt = (body: unknown, path: Path): unknown =>
  path.reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], body);

/** A deep copy of `body` with the value at `path` replaced (`remove`: deleted). */
export function withValueAt(body: unknown, path: Path, replace: { value: unknown } | 'remove'): unknown {
  const copy = structuredClone(body);
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string, unknown>;
  const key = path.at(-1)!;
  if (replace === 'remove') delete parent[key];
  else parent[key] = replace.value;
  return copy;
}
