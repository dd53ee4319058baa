/** Looking up fields in dereferenced JSON Schemas, across composition, arrays and JSON-in-a-string. */
type Schema = Record<string, unknown>;

/** The schema and every branch reachable through allOf/anyOf/oneOf, array `items`, and `contentSchema`. */
function branches(schema: Schema, out: Schema[] = []): Schema[] {
  if (out.includes(schema)) return out;
  out.push(schema);
  for (const keyword of ['allOf', 'anyOf', 'oneOf'] as const) {
    for (const branch of (schema[keyword] as Schema[] | undefined) ?? []) branches(branch, out);
  }
  for (const keyword of ['items', 'contentSchema'] as const) {
    const inner = schema[keyword];
    if (inner && typeof inner === 'object') branches(inner as Schema, out);
  }
  return out;
}

function children(schema: Schema, key: string): Schema[] {
  return branches(schema).flatMap((branch) => {
    const property = (branch.properties as Record<string, Schema> | undefined)?.[key];
    return property ? [property] : [];
  });
}

function descendants(schema: Schema, out: Schema[] = []): Schema[] {
  for (const branch of branches(schema)) {
    for (const property of Object.values((branch.properties as Record<string, Schema> | undefined) ?? {})) {
      if (!out.includes(property)) {
        out.push(property);
        descendants(property, out);
      }
    }
  }
  return out;
}

/**
 * The schemas found at a dotted field path (`context.page.url`). Arrays and JSON strings are
 * entered transparently (`batch.type`, `event.action`); a leading `**.` searches at any depth.
 */
export function findField(schema: Schema, path: string): Schema[] {
  const [first, ...rest] = path.split('.');
  let current = first === '**' ? [schema, ...descendants(schema)] : [schema];
  for (const key of first === '**' ? rest : [first!, ...rest]) current = current.flatMap((node) => children(node, key));
  return current;
}

/** Values a schema allows when it is closed (`const` or `enum`, through composition). */
export function allowedValues(schema: Schema): unknown[] {
  return branches(schema).flatMap((branch) => [
    ...('const' in branch ? [branch.const] : []),
    ...((branch.enum as unknown[]) ?? []),
  ]);
}
