/**
 * One pact interaction held to an API's spec. The request must be an operation of the API (method
 * and path, under the spec's server path or trackspec's base path), its parameters and body must
 * validate (the server's own reading: `@trackspec/specs`), and its credentials must be where one of
 * the operation's security alternatives (or its `x-body-credential`) puts them; only the place is
 * checked, never the value. The response's status must be documented for that operation, and the
 * body and the headers the pact names must validate against it.
 */
import {
  admitsAnonymous,
  asReceived,
  candidateBasePaths,
  compileQueryReader,
  type createAjv,
  describeCredentialLocation,
  isJsonMediaType,
  locationPointer,
  matchOperation,
  type OpenApiDocument,
  type OperationRef,
  parametersSchema,
  pointedErrors,
  readCredential,
  responseFindings,
} from '@trackspec/specs';
import type { PactBody, PactInteraction, PactRequest } from './pact-file.js';

/** What is wrong, where (a JSON pointer into the request or response) and which rule it breaks. */
export interface Finding {
  side: 'request' | 'response';
  pointer: string;
  rule: string;
  detail: string;
}

export const formatFinding = ({ side, pointer, rule, detail }: Finding) =>
  `${side} ${pointer || '/'}: ${rule}${detail && detail !== 'is required' ? ` (${detail})` : ''}`;

export interface InteractionVerdict {
  /** The operation the request is for, when it is one, with its path parameters and the body as read. */
  matched: { operation: OperationRef; params: Record<string, string>; body: unknown } | undefined;
  findings: Finding[];
}

type Ajv = ReturnType<typeof createAjv>;

/** `body` validates bodies (JSON Schema as written); `parameters` coerces text parameters to their types. */
export interface Validators {
  body: Ajv;
  parameters: Ajv;
}

export function verifyInteraction(
  api: string,
  document: OpenApiDocument,
  interaction: PactInteraction,
  validators: Validators,
): InteractionVerdict {
  const { request } = interaction;
  const match = matchRequest(api, document, request);
  if (match.kind === 'none')
    return {
      matched: undefined,
      findings: [
        {
          side: 'request',
          pointer: '/path',
          rule: 'unknown-path',
          detail: `no ${api} operation serves ${request.path}`,
        },
      ],
    };
  if (match.kind === 'method')
    return {
      matched: undefined,
      findings: [
        {
          side: 'request',
          pointer: '/method',
          rule: 'method',
          detail: `${request.path} serves ${match.allowed.join(', ')}, not ${request.method}`,
        },
      ],
    };
  const { operation } = match;
  const { body, findings: bodyFindings } = requestBodyFindings(operation, request.body, validators.body);
  const findings = [
    ...parameterFindings(operation, match.params, request, validators.parameters),
    ...bodyFindings,
    ...credentialFindings(operation, request, body),
    ...responseSideFindings(operation, interaction, validators.body),
  ];
  return { matched: { operation, params: match.params, body }, findings };
}

export function matchRequest(api: string, document: OpenApiDocument, request: PactRequest) {
  return matchOperation(document, candidateBasePaths(api, document), request.method, request.path);
}

function parameterFindings(
  operation: OperationRef,
  params: Record<string, string>,
  request: PactRequest,
  ajv: Ajv,
): Finding[] {
  const declaredHeaders = new Set(
    operation.parameters.filter((parameter) => parameter.in === 'header').map(({ name }) => String(name).toLowerCase()),
  );
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => declaredHeaders.has(name)));
  const inputs = {
    path: { values: { ...params }, prefix: '/path' },
    query: { values: compileQueryReader(operation.parameters)(request.query), prefix: '/query' },
    header: { values: headers, prefix: '/headers' },
  };
  return Object.entries(inputs).flatMap(([location, { values, prefix }]) => {
    const validate = ajv.compile(parametersSchema(location as 'path', operation.parameters));
    if (validate(values)) return [];
    return pointedErrors(validate.errors, prefix).map((error) => toFinding('request', error));
  });
}

/** The body as the server would read it (a form as its fields, JSON parsed), and what is wrong with it. */
function requestBodyFindings(
  operation: OperationRef,
  pactBody: PactBody | undefined,
  ajv: Ajv,
): { body: unknown; findings: Finding[] } {
  const requestBody = operation.requestBody;
  const present = pactBody !== undefined && pactBody.value !== null && pactBody.value !== '';
  if (!present) {
    if (requestBody?.required)
      return { body: undefined, findings: [finding('request', '/body', 'required', 'a request body is required')] };
    return { body: undefined, findings: [] };
  }
  if (!requestBody)
    return {
      body: undefined,
      findings: [
        finding('request', '/body', 'no-body', `${operation.method.toUpperCase()} ${operation.path} takes no body`),
      ],
    };
  const declared = Object.keys(requestBody.content);
  let mediaType = pactBody.mediaType;
  // `x-trackspec-json-any-label`: JSON is read as JSON whatever its label, as the server does.
  if (requestBody.jsonAnyLabel && !declared.includes(mediaType ?? '') && looksLikeJson(pactBody.value))
    mediaType = 'application/json';
  if (!mediaType || !declared.includes(mediaType))
    return {
      body: undefined,
      findings: [
        finding(
          'request',
          '/headers/content-type',
          'media-type',
          `${mediaType ?? 'none'}; the operation accepts ${declared.join(', ')}`,
        ),
      ],
    };
  const read = readBody(mediaType, pactBody.value);
  if ('error' in read) return { body: undefined, findings: [finding('request', '/body', 'json', read.error)] };
  const schema = requestBody.content[mediaType]?.schema;
  if (!schema) return { body: read.value, findings: [] };
  const validate = ajv.compile(schema);
  if (validate(read.value)) return { body: read.value, findings: [] };
  return {
    body: read.value,
    findings: pointedErrors(validate.errors, '/body').map((error) => toFinding('request', error)),
  };
}

function looksLikeJson(value: unknown): boolean {
  return (value !== null && typeof value === 'object') || (typeof value === 'string' && /^\s*[[{]/.test(value));
}

/** A pact body value as the server parses its media type: JSON as a value, a form as fields of text, text as text. */
function readBody(mediaType: string, value: unknown): { value: unknown } | { error: string } {
  if (isJsonMediaType(mediaType)) {
    if (typeof value !== 'string') return { value };
    try {
      return { value: JSON.parse(value) };
    } catch (error) {
      return { error: `not JSON: ${(error as Error).message}` };
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded')
    return {
      value: typeof value === 'string' ? Object.fromEntries(new URLSearchParams(value)) : asReceived(mediaType, value),
    };
  return { value: typeof value === 'string' ? value : JSON.stringify(value) };
}

/**
 * Whether the request presents a credential where the operation's spec puts one: every place of
 * some security alternative, or its body credential field. A credential elsewhere (a bearer token
 * in the query, a key in the wrong header) is no credential to a server that follows the spec.
 */
function credentialFindings(operation: OperationRef, request: PactRequest, body: unknown): Finding[] {
  if (admitsAnonymous(operation)) return [];
  const parts = { headers: request.headers, query: request.query };
  const meets = operation.security.some(
    (alternative) =>
      alternative.length > 0 &&
      alternative.every(({ location }) => location && readCredential(location, parts) !== undefined),
  );
  const field = operation.requestBody?.credential;
  const inBody =
    field !== undefined &&
    body !== null &&
    typeof body === 'object' &&
    typeof (body as Record<string, unknown>)[field.name] === 'string' &&
    (body as Record<string, string>)[field.name] !== '';
  if (meets || inBody) return [];
  const places = [
    ...operation.security.flatMap((alternative) => alternative.flatMap(({ location }) => (location ? [location] : []))),
    ...(field ? [field] : []),
  ];
  if (places.length === 0) return [];
  return [
    finding(
      'request',
      locationPointer(places[0]!),
      'credential-placement',
      `no credential where the spec puts one: ${places.map(describeCredentialLocation).join(', or ')}`,
    ),
  ];
}

/**
 * The response against the operation: its status documented, the headers the pact names and its
 * body valid. A documented header the pact leaves out is not a failure: a pact names only the
 * headers its consumer relies on. Without a body in the pact, no body is checked, for the same reason.
 */
function responseSideFindings(operation: OperationRef, interaction: PactInteraction, ajv: Ajv): Finding[] {
  const { status, headers, body } = interaction.response;
  const read = body?.mediaType ? readBody(body.mediaType, body.value) : undefined;
  if (read && 'error' in read) return [finding('response', '/body', 'json', read.error)];
  const findings = responseFindings(
    operation.operation,
    { status, headers, mediaType: body?.mediaType ?? '', body: read?.value ?? body?.value },
    ajv,
  );
  return findings
    .filter((found) => !(found.rule === 'required' && found.pointer.startsWith('/headers/')))
    .filter((found) => body !== undefined || (found.rule !== 'media-type' && !found.pointer.startsWith('/body')))
    .map(({ pointer, rule, detail }) => ({ side: 'response', pointer, rule, detail }));
}

function finding(side: Finding['side'], pointer: string, rule: string, detail: string): Finding {
  return { side, pointer, rule, detail };
}

function toFinding(side: Finding['side'], error: { pointer: string; keyword: string; detail: string }): Finding {
  return finding(side, error.pointer, error.keyword, error.detail);
}
