/**
 * The walk behind `schemaBreaks`: it follows an example through its (dereferenced)
 * schema — `allOf`, the `oneOf`/`anyOf` branch the example takes, `properties`,
 * `additionalProperties`, `items`/`prefixItems`, JSON carried in strings (`contentSchema`) — and
 * proposes, at every value it reaches, the edits that should break one keyword there. Nothing here
 * decides: the caller keeps an edit only when the validator confirms it.
 */

import { isJsonMediaType, type JsonObject, type SpecObject } from '../json.js';
import type { BreakKind } from './break-kinds.js';
import {
  allowedTypes,
  illFormedValues,
  jsonTypeOf,
  largestBoundTried,
  numbersPastBounds,
  stringsBreakingPattern,
  undocumentedValue,
  valueOutside,
} from './breaking-values.js';
import { fitsSchema } from './schema-fit.js';

type Segment = string | number;

/** Makes the broken document from a private copy of the original (which it may change in place). */
export type Edit = (copy: unknown) => unknown;

/** One way to break a keyword at one place: its name carries the pointer, e.g. `pattern broken at /context/ip`. */
export interface Alternative {
  name: string;
  edit: Edit;
}

export interface Candidate {
  kind: BreakKind;
  /** Best first: the first one the validator rejects is kept, the others dropped. */
  alternatives: Alternative[];
  /** Made inside JSON carried in a string: only a validator asserting `contentSchema` sees it. */
  embeddedJson?: boolean;
}

/** Array items followed per array: enough for a batch of different events, bounded for long arrays. */
const itemsFollowed = 3;
/** A member name no spec declares. */
const undeclaredMember = 'x_undeclared_member';
const badMemberName = 'Not A Valid Name!';

/** The JSON pointer of a member or item of the value at `at`. */
const child = (at: string, segment: Segment) => `${at}/${String(segment).replaceAll('~', '~0').replaceAll('/', '~1')}`;
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Applies `change` to the value at `path` of the copy (the root itself for `[]`). */
function editAt(path: readonly Segment[], change: (value: unknown) => unknown): Edit {
  return (copy) => {
    if (path.length === 0) return change(copy);
    let parent = copy as Record<Segment, unknown>;
    for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<Segment, unknown>;
    const last = path.at(-1)!;
    parent[last] = change(parent[last]);
    return copy;
  };
}
const setAt = (path: readonly Segment[], value: unknown) => editAt(path, () => structuredClone(value));
const withoutMembers = (path: readonly Segment[], names: readonly string[]) =>
  editAt(path, (object) => {
    for (const name of names) delete (object as JsonObject)[name];
    return object;
  });
const withMembers = (path: readonly Segment[], members: JsonObject) =>
  editAt(path, (object) => Object.assign(object as JsonObject, structuredClone(members)));

/**
 * The schemas that apply to a value: the given ones, their `allOf` members, and of each
 * `oneOf`/`anyOf` the first branch the value fits (the one the example takes).
 */
function applicable(schemas: readonly SpecObject[], value: unknown): SpecObject[] {
  const result: SpecObject[] = [];
  const visit = (schema: SpecObject) => {
    if (!isObject(schema) || result.includes(schema)) return;
    result.push(schema);
    for (const member of (schema.allOf ?? []) as SpecObject[]) visit(member);
    for (const branches of [schema.oneOf, schema.anyOf] as (SpecObject[] | undefined)[]) {
      const taken = branches?.find((branch) => fitsSchema(branch, value));
      if (taken) visit(taken);
    }
  };
  for (const schema of schemas) visit(schema);
  return result;
}

/** What the walk knows where it stands: the edit path in the current document, and the pointer to show. */
interface Place {
  path: Segment[];
  /** JSON pointer for names (continues into embedded JSON, as Ajv's instancePath does). */
  at: string;
  /** False at the body's root, which must stay an object. */
  replaceable: boolean;
}

export class CandidateWalk {
  readonly candidates: Candidate[] = [];

  constructor(private readonly followEmbeddedJson: boolean) {}

  private add(kind: BreakKind, name: string, ...edits: Edit[]) {
    this.addAlternatives(
      kind,
      edits.map((edit) => ({ name, edit })),
    );
  }

  private addAlternatives(kind: BreakKind, alternatives: Alternative[]) {
    if (alternatives.length) this.candidates.push({ kind, alternatives });
  }

  /** Proposes edits for `value` and everything inside it. */
  walk(value: unknown, schemas: readonly SpecObject[], place: Place): void {
    const all = applicable(schemas, value);
    this.noBranch(value, all, place);
    if (place.replaceable) this.replacements(value, all, place);
    if (isObject(value)) this.objectEdits(value, all, place);
    if (Array.isArray(value)) this.arrayEdits(value, all, place);
    if (typeof value === 'string' && this.followEmbeddedJson) this.embeddedJson(value, all, place);
  }

  /** A value that fits no branch of a `oneOf`/`anyOf`: a member every branch requires removed, an undocumented discriminator, or a type no branch takes. */
  private noBranch(value: unknown, schemas: readonly SpecObject[], { path, at, replaceable }: Place) {
    for (const schema of schemas) {
      for (const keyword of ['oneOf', 'anyOf'] as const) {
        const branches = schema[keyword] as SpecObject[] | undefined;
        if (!branches?.length) continue;
        const fitsNone = `no ${keyword} branch fits ${at || '/'}`;
        const alternatives: Alternative[] = [];
        if (isObject(value)) {
          const requiredByEach = branches.map(
            (branch) => new Set(applicable([branch], value).flatMap((part) => (part.required ?? []) as string[])),
          );
          const common = [...requiredByEach[0]!].filter(
            (name) => name in value && requiredByEach.every((set) => set.has(name)),
          );
          if (common.length)
            alternatives.push({
              name: `${fitsNone} (without ${child(at, common[0]!)})`,
              edit: withoutMembers(path, common.slice(0, 1)),
            });
          const discriminator = schema.discriminator?.propertyName as string | undefined;
          if (discriminator && discriminator in value)
            alternatives.push({
              name: `${fitsNone} (undocumented ${child(at, discriminator)})`,
              edit: setAt([...path, discriminator], undocumentedValue),
            });
        }
        const types = branches.map((branch) => allowedTypes(applicable([branch], undefined)));
        if (replaceable && types.every((type) => type !== undefined)) {
          const outside = valueOutside(new Set(types.flatMap((type) => [...type!])));
          if (outside !== undefined)
            alternatives.push({ name: `${fitsNone} (type ${jsonTypeOf(outside)})`, edit: setAt(path, outside) });
        }
        this.addAlternatives('no-branch', alternatives);
      }
    }
  }

  /** The value replaced: another type, an undocumented value, a broken pattern or format, a number or length past a bound. */
  private replacements(value: unknown, schemas: readonly SpecObject[], { path, at }: Place) {
    const types = allowedTypes(schemas);
    const wrong = types && valueOutside(types);
    if (wrong !== undefined) this.add('wrong-type', `wrong type at ${at}`, setAt(path, wrong));
    if (schemas.some((schema) => 'const' in schema || Array.isArray(schema.enum)))
      this.add('bad-enum', `undocumented value at ${at}`, setAt(path, undocumentedValue));
    if (typeof value === 'string') {
      const pattern = schemas.find((schema) => typeof schema.pattern === 'string')?.pattern as string | undefined;
      if (pattern)
        this.add(
          'pattern',
          `pattern broken at ${at}`,
          ...stringsBreakingPattern(pattern, schemas).map((text) => setAt(path, text)),
        );
      const format = schemas.find((schema) => typeof schema.format === 'string')?.format as string | undefined;
      if (format)
        this.add(
          'format',
          `ill-formed ${format} at ${at}`,
          ...illFormedValues(format).map((text) => setAt(path, text)),
        );
      for (const schema of schemas) {
        if (typeof schema.minLength === 'number' && schema.minLength > 0)
          this.add('bound', `shorter than minLength at ${at}`, setAt(path, 'x'.repeat(schema.minLength - 1)));
        if (typeof schema.maxLength === 'number' && schema.maxLength < largestBoundTried)
          this.add('bound', `longer than maxLength at ${at}`, setAt(path, 'x'.repeat(schema.maxLength + 1)));
      }
    }
    if (typeof value === 'number')
      for (const [keyword, past] of numbersPastBounds(schemas, value))
        this.add('bound', `past ${keyword} at ${at}`, setAt(path, past));
  }

  private objectEdits(value: JsonObject, schemas: readonly SpecObject[], place: Place) {
    const { path, at } = place;
    const required = [...new Set(schemas.flatMap((schema) => (schema.required ?? []) as string[]))];
    for (const name of required.filter((candidate) => candidate in value))
      this.add('missing-field', `missing ${child(at, name)}`, withoutMembers(path, [name]));
    this.conditionalEdits(value, schemas, place);

    const declared = [...new Set(schemas.flatMap((schema) => Object.keys(schema.properties ?? {})))];
    if (schemas.some((schema) => schema.additionalProperties === false || schema.unevaluatedProperties === false))
      this.add(
        'additional-property',
        `undeclared member ${child(at, undeclaredMember)}`,
        withMembers(path, { [undeclaredMember]: 'unexpected' }),
      );
    if (schemas.some((schema) => typeof schema.propertyNames?.pattern === 'string'))
      this.add(
        'pattern',
        `member name breaking the propertyNames pattern at ${at || '/'}`,
        withMembers(path, { [badMemberName]: 'x' }),
      );
    const count = Object.keys(value).length;
    for (const schema of schemas) {
      if (typeof schema.minProperties === 'number' && schema.minProperties > 0 && count >= schema.minProperties) {
        const kept = Object.keys(value).slice(0, schema.minProperties - 1);
        this.add(
          'bound',
          `fewer members than minProperties at ${at || '/'}`,
          editAt(path, (object) => Object.fromEntries(kept.map((name) => [name, (object as JsonObject)[name]]))),
        );
      }
      if (typeof schema.maxProperties === 'number' && schema.maxProperties < largestBoundTried / 16) {
        const extra = Array.from({ length: schema.maxProperties + 1 }, (_, index) => [`x_extra_${index}`, 1]);
        this.add(
          'bound',
          `more members than maxProperties at ${at || '/'}`,
          withMembers(path, Object.fromEntries(extra)),
        );
      }
    }

    for (const name of declared) {
      const memberSchemas = schemas.flatMap((schema) => (schema.properties?.[name] ? [schema.properties[name]] : []));
      const member: Place = { path: [...path, name], at: child(at, name), replaceable: true };
      if (name in value) this.walk(value[name], memberSchemas, member);
      else this.replacements(undefined, applicable(memberSchemas, undefined), member);
    }
    // Members the object takes beyond those it declares, checked by an `additionalProperties` schema.
    const additional = schemas.flatMap((schema) =>
      isObject(schema.additionalProperties) ? [schema.additionalProperties as SpecObject] : [],
    );
    if (additional.length)
      for (const name of Object.keys(value).filter((candidate) => !declared.includes(candidate)))
        this.walk(value[name], additional, { path: [...path, name], at: child(at, name), replaceable: true });
  }

  /**
   * Members a rule requires only in some cases: `dependentRequired`, and `if`/`then`/`else`. When
   * the example does not meet an `if`, it is made to (a `const` set, a member a `not` forbids
   * removed) so that the `then` applies, and what `then` requires is removed.
   */
  private conditionalEdits(value: JsonObject, schemas: readonly SpecObject[], { path, at }: Place) {
    const missing = (names: readonly string[]) => names.map((name) => child(at, name)).join(', ');
    for (const schema of schemas) {
      for (const [present, names] of Object.entries((schema.dependentRequired ?? {}) as Record<string, string[]>)) {
        if (!(present in value)) continue;
        for (const name of names.filter((candidate) => candidate in value))
          this.add(
            'conditional-required',
            `missing ${child(at, name)} required with ${child(at, present)}`,
            withoutMembers(path, [name]),
          );
      }
      if (schema.if === undefined) continue;
      const thenRequired = (schema.then?.required ?? []) as string[];
      const elseRequired = (schema.else?.required ?? []) as string[];
      if (fitsSchema(schema.if, value)) {
        for (const name of thenRequired.filter((candidate) => candidate in value))
          this.add(
            'conditional-required',
            `missing ${child(at, name)} required by if/then`,
            withoutMembers(path, [name]),
          );
        continue;
      }
      for (const name of elseRequired.filter((candidate) => candidate in value))
        this.add(
          'conditional-required',
          `missing ${child(at, name)} required by if/else`,
          withoutMembers(path, [name]),
        );
      const forced = thenRequired.length ? meetIf(value, schema.if, at) : undefined;
      if (!forced) continue;
      const forcing = editAt(path, (object) => {
        const met = forced.apply(object as JsonObject);
        for (const name of thenRequired) delete met[name];
        return met;
      });
      this.add('conditional-required', `missing ${missing(thenRequired)} required when ${forced.description}`, forcing);
    }
  }

  private arrayEdits(value: unknown[], schemas: readonly SpecObject[], { path, at }: Place) {
    for (const schema of schemas) {
      if (typeof schema.minItems === 'number' && schema.minItems > 0 && value.length >= schema.minItems)
        this.add(
          'bound',
          `fewer items than minItems at ${at}`,
          editAt(path, (array) => (array as unknown[]).slice(0, schema.minItems - 1)),
        );
      if (typeof schema.maxItems === 'number' && schema.maxItems < largestBoundTried / 16) {
        const filler = value.at(-1) ?? null;
        this.add(
          'bound',
          `more items than maxItems at ${at}`,
          editAt(path, (array) => [
            ...(array as unknown[]),
            ...Array.from({ length: schema.maxItems + 1 - value.length }, () => structuredClone(filler)),
          ]),
        );
      }
    }
    value.slice(0, itemsFollowed).forEach((item, index) => {
      const itemSchemas = schemas.flatMap((schema) => {
        const prefix = (schema.prefixItems ?? []) as SpecObject[];
        if (index < prefix.length) return [prefix[index]!];
        return isObject(schema.items) ? [schema.items as SpecObject] : [];
      });
      if (itemSchemas.length)
        this.walk(item, itemSchemas, { path: [...path, index], at: child(at, index), replaceable: true });
    });
  }

  /** JSON carried in the string (`contentMediaType: application/json` + `contentSchema`): the same walk inside it, written back as JSON. */
  private embeddedJson(text: string, schemas: readonly SpecObject[], { path, at }: Place) {
    const carrier = schemas.find(
      (schema) =>
        isObject(schema.contentSchema) && isJsonMediaType(String(schema.contentMediaType ?? 'application/json')),
    );
    if (!carrier) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return;
    }
    const inner = new CandidateWalk(true);
    inner.walk(parsed, [carrier.contentSchema], { path: [], at, replaceable: true });
    for (const candidate of inner.candidates)
      this.candidates.push({
        kind: candidate.kind,
        embeddedJson: true,
        alternatives: candidate.alternatives.map(({ name, edit }) => ({
          name: `${name} (JSON in ${at})`,
          edit: editAt(path, () => JSON.stringify(edit(structuredClone(parsed)))),
        })),
      });
  }
}

/**
 * A way to make an object meet a simple `if` (the forms the specs use): members the `if` gives a
 * `const` (or `enum`) set to it, members a `not: { required }` forbids removed. Undefined when the
 * result would still not meet it.
 */
function meetIf(
  value: JsonObject,
  condition: SpecObject,
  at: string,
): { apply: (object: JsonObject) => JsonObject; description: string } | undefined {
  if (typeof condition !== 'object' || condition === null) return undefined;
  const set: JsonObject = {};
  for (const [name, schema] of Object.entries((condition.properties ?? {}) as Record<string, SpecObject>)) {
    const wanted = 'const' in schema ? schema.const : Array.isArray(schema.enum) ? schema.enum[0] : undefined;
    const needed = (condition.required ?? []).includes(name) || name in value;
    if (wanted !== undefined && needed && value[name] !== wanted) set[name] = wanted;
  }
  const removed = ((condition.not?.required ?? []) as string[]).filter((name) => name in value);
  const apply = (object: JsonObject) => {
    for (const name of removed) delete object[name];
    return Object.assign(object, structuredClone(set));
  };
  if (!fitsSchema(condition, apply(structuredClone(value)))) return undefined;
  const description = [
    ...Object.entries(set).map(([name, wanted]) => `${child(at, name)} is ${JSON.stringify(wanted)}`),
    ...removed.map((name) => `${child(at, name)} is absent`),
  ].join(' and ');
  return description ? { apply, description } : undefined;
}
