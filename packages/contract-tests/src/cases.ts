/**
 * The requests of the contract suite, derived from a dereferenced spec (never a hand-kept list):
 * every named request example must be accepted; breaks of it that Ajv confirms break the schema
 * (at any depth: required members, types, enums, branches, if/then rules, patterns, formats, bounds,
 * undeclared members, and inside JSON carried in a string), missing, wrongly-schemed and wrong
 * credentials (and another source's key), and an undeclared media type must be refused with the
 * exact status the spec documents. The edges outside the body schemas (limits, parameters, unknown
 * ids, methods, store faults) come from edge-cases.ts.
 *
 * Breaks are judged with standard JSON Schema semantics, where `contentSchema` (JSON carried
 * in a string, e.g. Dito's `event`) is an annotation, as Prism treats it: pass an Ajv created with
 * `createAjv({}, { assertContentSchema: false })`; the breaks inside such JSON are confirmed with an
 * asserting Ajv and marked `embeddedJson`.
 */
import {
  asReceived,
  createAjv,
  type ExampleRequest,
  exampleParameters,
  exampleRequests,
  isVerifiableSignature,
  type JsonObject,
  listOperations,
  type OpenApiDocument,
  type OperationRef,
  type SpecObject,
} from '@trackspec/specs';
import { breakKinds, schemaBreaks } from '@trackspec/specs/breaking';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { edgeCases, unsupportedMethodCases } from './edge-cases.js';
import type { CaseKind, RequestCase } from './request-case.js';

export type { CaseKind, RequestCase } from './request-case.js';

/** One Ajv that asserts contentSchema for every derivation (compiling is the cost; creating one is too). */
let sharedAssertingAjv: Ajv2020 | undefined;
const assertingAjv = () => (sharedAssertingAjv ??= createAjv());

/** The status each kind of refusal must get (where the operation documents it). */
const statusByKind: Partial<Record<CaseKind, number>> = {
  ...Object.fromEntries(breakKinds.map((kind) => [kind, 400])),
  'bad-parameter': 400,
  'empty-parameter': 400,
  // An unsupported content coding (RFC 9110 §15.5.16).
  'bad-content-coding': 415,
  'malformed-body': 400,
  'body-on-get': 400,
  'too-large': 413,
  'unknown-resource': 404,
  'second-source-credential': 401,
  'no-auth': 401,
  'wrong-auth': 401,
  'wrong-credential': 401,
  'unsupported-media-type': 415,
};

/** A credential value of the same shape as `value` that is not it: its last letter or digit changed. */
export function wrongCredentialValue(value: string): string {
  const index = value.search(/[A-Za-z0-9][^A-Za-z0-9]*$/);
  if (index < 0) return `${value}x`;
  const char = value[index]!;
  const replacement = /[0-8]/.test(char)
    ? String(Number(char) + 1)
    : /[a-yA-Y]/.test(char)
      ? String.fromCharCode(char.charCodeAt(0) + 1)
      : char === '9'
        ? '0'
        : 'a';
  return value.slice(0, index) + replacement + value.slice(index + 1);
}

/** True when every security alternative of the operation names at least one scheme. */
function requiresCredentials({ security }: OperationRef): boolean {
  return security.length > 0 && security.every((alternative) => alternative.length > 0);
}

export function deriveCases(document: OpenApiDocument, ajv: Ajv2020): RequestCase[] {
  const cases: RequestCase[] = [];
  const operations = listOperations(document).filter((candidate) => candidate.source === 'paths');
  for (const operation of operations) {
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

    // Breaks of the first example of each media type, kept only when Ajv confirms they break the schema.
    const firstPerMediaType = examples.filter(
      (example, index) => examples.findIndex((other) => other.mediaType === example.mediaType) === index,
    );
    for (const { mediaType, body, schema, name: exampleName } of firstPerMediaType) {
      if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
      const validate = ajv.compile(schema);
      // The JSON strings carry is broken too, confirmed by a validator that asserts contentSchema (as the server does).
      const validateAsserting = assertingAjv().compile(schema);
      // Judge what travels: a form turns every value into a string.
      const invalid = (candidate: JsonObject) => !validate(asReceived(mediaType, candidate));
      const isInvalidAssertingContent = (candidate: JsonObject) => !validateAsserting(asReceived(mediaType, candidate));
      for (const bodyBreak of schemaBreaks(body as JsonObject, schema, invalid, {
        isInvalidAssertingContent,
      })) {
        cases.push({
          ...base,
          ...exampleParameters(operation, exampleName),
          kind: bodyBreak.kind,
          name: `${bodyBreak.name} (${mediaType})`,
          mediaType,
          body: bodyBreak.body,
          ...(bodyBreak.embeddedJson ? { embeddedJson: true } : {}),
          expect: '4xx',
        });
      }
    }

    const first = examples[0];
    const withFirstBody = first
      ? { ...exampleParameters(operation, first.name), mediaType: first.mediaType, body: first.body }
      : {};
    cases.push(...edgeCases(operation, base, first));
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
    // A well-formed but wrong value in each place a credential can travel: every scheme of every
    // alternative, sent alone, and the body field the spec carries the key in (with nothing else).
    const wrongCredentials = [
      ...new Map(
        operation.security
          .flat()
          .filter((requirement) => requirement.location)
          .map((requirement) => [requirement.name, { name: requirement.name, location: requirement.location! }]),
      ).values(),
      ...(operation.requestBody?.credential && first
        ? [{ name: operation.requestBody.credential.name, location: operation.requestBody.credential }]
        : []),
    ];
    // A signature made with the secret that a receiver can check, where the example carries one:
    // wrong, it must be refused too.
    const wrongSignatures = (operation.requestBody?.signatures ?? [])
      .filter(({ algorithm }) => isVerifiableSignature(algorithm))
      .filter(({ name }) => first?.body && typeof first.body === 'object' && name in first.body)
      .map(({ name }) => ({ name, location: { in: 'body' as const, name } }));
    for (const credential of wrongCredentials) {
      const where =
        credential.location.in === 'body' ? `body field ${credential.name}` : `${credential.name} credential`;
      cases.push({
        ...base,
        ...withFirstBody,
        kind: 'wrong-credential',
        name: `a wrong ${where}`,
        auth: 'wrong-value',
        credential,
        expect: '4xx',
      });
      // Sent only to targets that name another source's key (`secondSourceCredentials`).
      cases.push({
        ...base,
        ...withFirstBody,
        kind: 'second-source-credential',
        name: `another source's ${where}`,
        auth: 'second-source',
        credential,
        expect: '4xx',
      });
    }
    for (const credential of wrongSignatures)
      cases.push({
        ...base,
        ...withFirstBody,
        kind: 'wrong-credential',
        name: `a wrong signature in body field ${credential.name}`,
        auth: 'wrong-value',
        credential,
        expect: '4xx',
      });
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
  cases.push(
    ...unsupportedMethodCases(operations, (operation) => ({
      operation,
      ...exampleParameters(operation),
      auth: 'valid',
    })),
  );
  for (const request of cases) {
    const status = statusByKind[request.kind];
    const documented = Object.keys((request.operation.operation.responses ?? {}) as object);
    if (request.status === undefined && status !== undefined && documented.includes(String(status)))
      request.status = status;
  }
  return cases;
}
