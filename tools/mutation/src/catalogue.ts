/**
 * The catalogue of faults the proxy plants in a server's answers, one at a time. Each is derived
 * from the operation's dereferenced spec, never from an API's field names, and applies only to the
 * answers it fits (`apply` returns undefined for the others). A changed body is kept only when Ajv
 * confirms it breaks the documented schema, so no mutation is a harmless rewrite.
 */
import { documentedResponse, isJsonMediaType, type SpecObject } from '@trackspec/specs';
import type { MutableAnswer, OperationContext } from './answer.js';
import { requiredPropertyPaths, valueAt, valuePaths, withValueAt } from './body-paths.js';
import { bodySchema, documentedAnswer, documentedStatuses, isDocumented } from './documented.js';

/** The kind of fault, for `--slice` (one mutation of each). */
export type MutationClass = 'status' | 'acceptance' | 'body' | 'media-type' | 'header';

export interface Mutation {
  name: string;
  class: MutationClass;
  description: string;
  /** The mutated answer, or undefined when the mutation does not fit this answer. */
  apply(answer: MutableAnswer, context: OperationContext): MutableAnswer | undefined;
}

const statusClass = (status: number) => Math.floor(status / 100);

/** Which classes a swapped status is taken from, in order: as far from the answer's meaning as the operation allows. */
const swapPreference: Record<number, number[]> = { 2: [4, 5], 4: [5, 2], 5: [4, 2] };

/** A documented answer with the status swapped for `status`, when the operation documents it (with an example that fits). */
function answeredAs(context: OperationContext, status: number): MutableAnswer | undefined {
  return documentedStatuses(context).includes(status) ? documentedAnswer(context, status) : undefined;
}

/** The body changed at the first path that `replace` makes invalid for its documented schema. */
function breakBody(
  answer: MutableAnswer,
  context: OperationContext,
  candidates: (body: unknown, schema: SpecObject) => string[][],
  replace: (value: unknown) => { value: unknown } | 'remove' | undefined,
): MutableAnswer | undefined {
  const schema = bodySchema(context, answer);
  if (!schema || answer.body === undefined || typeof answer.body !== 'object') return undefined;
  const validate = context.ajv.compile(schema);
  for (const path of candidates(answer.body, schema)) {
    const replacement = replace(valueAt(answer.body, path));
    if (!replacement) continue;
    const body = withValueAt(answer.body, path, replacement);
    if (!validate(body)) return { ...answer, body };
  }
  return undefined;
}

/** A value of another JSON type than `value`. */
function ofAnotherType(value: unknown): { value: unknown } {
  if (typeof value === 'string') return { value: 12345 };
  if (typeof value === 'number' || typeof value === 'boolean') return { value: String(value) };
  if (value === null) return { value: 0 };
  return { value: Array.isArray(value) ? 'an array' : 'an object' };
}

export const catalogue: readonly Mutation[] = [
  {
    name: 'documented-status',
    class: 'status',
    description:
      'the status swapped to another code the operation documents, of another class where it has one (200→400, 400→503), with a valid body for it',
    apply(answer, context) {
      const others = documentedStatuses(context).filter((status) => status !== answer.status);
      const preference = swapPreference[statusClass(answer.status)] ?? [2, 4, 5];
      const ranked = [
        ...preference.flatMap((wanted) => others.filter((status) => statusClass(status) === wanted)),
        ...others.filter((status) => statusClass(status) === statusClass(answer.status)),
      ];
      for (const status of ranked) {
        const swapped = answeredAs(context, status);
        if (swapped) return swapped;
      }
      return undefined;
    },
  },
  {
    name: 'undocumented-status',
    class: 'status',
    description: 'the status swapped to a code the operation does not document (2xx→299, others→418), body unchanged',
    apply(answer, context) {
      const candidates = statusClass(answer.status) === 2 ? [299, 418] : [418, 299];
      const status = candidates.find((candidate) => !isDocumented(context, candidate));
      return status === undefined ? undefined : { ...answer, status };
    },
  },
  {
    name: 'unauthorized-as-bad-request',
    class: 'status',
    description: 'a 401 answered as a (valid) 400, where the operation documents both',
    apply: (answer, context) => (answer.status === 401 ? answeredAs(context, 400) : undefined),
  },
  {
    name: 'bad-request-as-unauthorized',
    class: 'status',
    description: 'a 400 answered as a (valid) 401, where the operation documents both',
    apply: (answer, context) => (answer.status === 400 ? answeredAs(context, 401) : undefined),
  },
  {
    name: 'rejection-accepted',
    class: 'acceptance',
    description:
      'a 4xx answered with a documented 2xx of the operation and a valid example body (a server that checks nothing)',
    apply(answer, context) {
      if (statusClass(answer.status) !== 4) return undefined;
      const success = documentedStatuses(context).find((status) => statusClass(status) === 2);
      return success === undefined ? undefined : answeredAs(context, success);
    },
  },
  {
    name: 'required-property-removed',
    class: 'body',
    description: 'a property the documented response schema requires removed from the body',
    apply: (answer, context) => breakBody(answer, context, requiredPropertyPaths, () => 'remove'),
  },
  {
    name: 'property-type-changed',
    class: 'body',
    description: 'a body value of another JSON type (a string becomes a number, a number a string, …)',
    apply: (answer, context) => breakBody(answer, context, valuePaths, ofAnotherType),
  },
  {
    name: 'media-type-changed',
    class: 'media-type',
    description:
      'the body labelled with an undocumented media type (application/problem+json → application/json, JSON → text/plain)',
    apply(answer, context) {
      if (answer.body === undefined) return undefined;
      const documented = Object.keys(
        (documentedResponse(context.operation.operation, answer.status)?.response.content ?? {}) as object,
      );
      const candidates =
        answer.mediaType === 'application/problem+json'
          ? ['application/json', 'text/plain']
          : isJsonMediaType(answer.mediaType)
            ? ['text/plain', 'application/octet-stream']
            : ['application/json', 'application/octet-stream'];
      const mediaType = candidates.find((candidate) => !documented.includes(candidate));
      if (mediaType === undefined) return undefined;
      // The same bytes under the new label: JSON text stays JSON text.
      const body =
        isJsonMediaType(mediaType) || typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      return { ...answer, mediaType, body };
    },
  },
  {
    name: 'documented-header-dropped',
    class: 'header',
    description: 'the headers the documented response declares (e.g. Retry-After on 503) left out',
    apply(answer, context) {
      const declared = Object.keys(
        (documentedResponse(context.operation.operation, answer.status)?.response.headers ?? {}) as object,
      )
        .map((name) => name.toLowerCase())
        .filter((name) => name !== 'content-type' && name in answer.headers);
      if (declared.length === 0) return undefined;
      const headers = Object.fromEntries(Object.entries(answer.headers).filter(([name]) => !declared.includes(name)));
      return { ...answer, headers };
    },
  },
];

export const mutationClasses: readonly MutationClass[] = ['status', 'acceptance', 'body', 'media-type', 'header'];

/** One mutation of each class: the first the catalogue lists. */
export const slice: readonly Mutation[] = mutationClasses.map(
  (kind) => catalogue.find((mutation) => mutation.class === kind)!,
);
