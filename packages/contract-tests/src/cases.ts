/**
 * The requests of the contract suite, derived from a dereferenced spec (never a hand-kept list):
 * every named request example must be accepted; mutations of it that Ajv confirms break the
 * schema (a required field removed, a wrong type, a value outside an enum), missing or wrong
 * credentials, and an unsupported media type must be refused with a documented 4xx.
 *
 * Mutations are judged with standard JSON Schema semantics, where `contentSchema` (JSON carried
 * in a string, e.g. Dito's `event`) is an annotation, as Prism treats it: pass an Ajv created with
 * `createAjv({}, { assertContentSchema: false })`.
 */
import {
  asReceived,
  type ExampleRequest,
  exampleParameters,
  exampleRequests,
  type JsonObject,
  listOperations,
  type OpenApiDocument,
  type OperationRef,
  type SpecObject,
  schemaBreakingMutations,
} from '@trackspec/specs';
import type { Ajv2020 } from 'ajv/dist/2020.js';

export type CaseKind =
  | 'example'
  | 'missing-field'
  | 'wrong-type'
  | 'bad-enum'
  | 'bad-path-parameter'
  | 'no-auth'
  | 'wrong-auth'
  | 'unsupported-media-type';

export interface RequestCase {
  operation: OperationRef;
  kind: CaseKind;
  /** Readable description, e.g. `example byProfile` or `missing /action`. */
  name: string;
  pathParams: Record<string, unknown>;
  query: Record<string, unknown>;
  /** Absent for requests without a body. */
  mediaType?: string;
  body?: unknown;
  auth: 'valid' | 'none' | 'wrong';
  expect: '2xx' | '4xx';
}

/** True when every security alternative of the operation names at least one scheme. */
function requiresCredentials({ security }: OperationRef): boolean {
  return security.length > 0 && security.every((alternative) => alternative.length > 0);
}

export function deriveCases(document: OpenApiDocument, ajv: Ajv2020): RequestCase[] {
  const cases: RequestCase[] = [];
  for (const operation of listOperations(document).filter((candidate) => candidate.source === 'paths')) {
    const { pathParams, query } = exampleParameters(operation);
    const base = { operation, pathParams, query, auth: 'valid' as const };
    const examples = exampleRequests(operation).filter(
      (example): example is ExampleRequest & { name: string; mediaType: string; schema: SpecObject } =>
        example.name !== undefined,
    );

    if (examples.length === 0)
      cases.push({ ...base, kind: 'example', name: 'example parameters, no body', expect: '2xx' });
    for (const example of examples) {
      cases.push({
        ...base,
        pathParams: example.pathParams,
        query: example.query,
        kind: 'example',
        name: `example ${example.name} (${example.mediaType})`,
        mediaType: example.mediaType,
        body: example.body,
        expect: '2xx',
      });
    }

    // Mutations of the first example of each media type, kept only when Ajv confirms they break the schema.
    const firstPerMediaType = [...new Map(examples.map((example) => [example.mediaType, example])).values()];
    for (const { mediaType, body, schema, name: exampleName } of firstPerMediaType) {
      if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
      const validate = ajv.compile(schema);
      // Judge what travels: a form turns every value into a string.
      const invalid = (candidate: JsonObject) => !validate(asReceived(mediaType, candidate));
      for (const mutation of schemaBreakingMutations(body as JsonObject, schema, invalid)) {
        cases.push({
          ...base,
          ...exampleParameters(operation, exampleName),
          kind: mutation.kind,
          name: `${mutation.name} (${mediaType})`,
          mediaType,
          body: mutation.body,
          expect: '4xx',
        });
      }
    }

    const first = examples[0];
    const withFirstBody = first
      ? { ...exampleParameters(operation, first.name), mediaType: first.mediaType, body: first.body }
      : {};
    for (const parameter of operation.parameters.filter(
      (candidate) => candidate.in === 'path' && ['integer', 'number'].includes(candidate.schema?.type),
    )) {
      cases.push({
        ...base,
        ...withFirstBody,
        kind: 'bad-path-parameter',
        name: `non-numeric path parameter ${parameter.name}`,
        pathParams: { ...pathParams, [parameter.name]: 'not-a-number' },
        expect: '4xx',
      });
    }
    if (requiresCredentials(operation)) {
      cases.push({ ...base, ...withFirstBody, kind: 'no-auth', name: 'no credentials', auth: 'none', expect: '4xx' });
      cases.push({
        ...base,
        ...withFirstBody,
        kind: 'wrong-auth',
        name: 'credentials in an undocumented scheme',
        auth: 'wrong',
        expect: '4xx',
      });
    }
    if (operation.requestBody) {
      cases.push({
        ...base,
        kind: 'unsupported-media-type',
        name: 'an undeclared media type',
        mediaType: 'application/xml',
        body: '<event/>',
        expect: '4xx',
      });
    }
  }
  return cases;
}
