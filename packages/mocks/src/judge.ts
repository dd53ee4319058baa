/**
 * The spec's verdict on a request a mock received, from the same checks the server makes
 * (`@trackspec/specs`): which operation its method and path match; a credential where one of the
 * operation's security alternatives puts it; its parameters and body against the schemas. Prism
 * answers the request; this says what the spec thinks of it, so a request Prism lets through but the
 * spec forbids is visible. Credential values are redacted from what is recorded.
 */
import {
  admitsAnonymous,
  bodyCredential,
  compileInputReader,
  compileRequestValidator,
  credentialNamesOf,
  describeCredentialLocation,
  listOperations,
  type OpenApiDocument,
  OperationMatcher,
  type OperationRef,
  readCredential,
  type Violation,
} from '@trackspec/specs';
import { readBody } from './read-body.js';

export interface Received {
  method: string;
  /** The URL path, without the query string. */
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}

export interface Judgement {
  operationId: string | null;
  verdict: 'valid' | Violation[];
  /** What the record keeps: credentials redacted. */
  query: Record<string, string | string[]>;
  headers: Record<string, string | string[]>;
  body: unknown;
}

const redacted = '[redacted]';

export function compileJudge(document: OpenApiDocument): (request: Received) => Judgement {
  // Prism serves every operation at the root: the servers' base paths are not part of a mock's URLs.
  const matcher = new OperationMatcher(
    listOperations(document).map((operation) => ({ operation, basePath: '', tag: undefined })),
  );
  const credentialNames = credentialNamesOf([document]);
  const checks = new Map<OperationRef, ReturnType<typeof compileOperationCheck>>();
  const checkOf = (operation: OperationRef) => {
    const check = checks.get(operation) ?? compileOperationCheck(operation);
    checks.set(operation, check);
    return check;
  };

  return (request) => {
    const match = matcher.find(request.method, request.path);
    const { body, violations } = match
      ? checkOf(match.operation)(request, match.params)
      : {
          body: readBody(request.bytes, request.headers, undefined).body,
          violations: [noOperation(request.method, request.path)],
        };
    const secretBodyFields = [
      match?.operation.requestBody?.credential?.name,
      ...(match?.operation.requestBody?.signatures.map(({ name }) => name) ?? []),
    ].filter((name) => name !== undefined);
    return {
      operationId: match?.operation.operationId ?? null,
      verdict: violations.length ? violations : 'valid',
      query: redact(request.query, credentialNames.query),
      headers: redact(request.headers, credentialNames.headers) as Record<string, string | string[]>,
      body: redactFields(body, secretBodyFields),
    };
  };
}

function compileOperationCheck(operation: OperationRef) {
  const read = compileInputReader(operation);
  const validate = compileRequestValidator(operation);
  const alternatives = operation.security.filter((alternative) => alternative.length > 0);
  const bodyField = operation.requestBody?.credential;
  const anonymous = admitsAnonymous(operation);

  return (request: Received, params: Record<string, unknown>): { body: unknown; violations: Violation[] } => {
    const { body, mediaType, unreadable } = readBody(request.bytes, request.headers, operation.requestBody);
    const violations: Violation[] = [];
    const presented =
      anonymous ||
      alternatives.some((alternative) =>
        alternative.every(({ location }) => !location || readCredential(location, request) !== undefined),
      ) ||
      (bodyField !== undefined && bodyCredential(bodyField.name, body) !== undefined);
    if (!presented) violations.push(missingCredential(operation));
    if (unreadable) return { body, violations: [...violations, unreadable] };
    // Parameters are coerced in place by the validation: it gets copies, the record keeps what was sent.
    const input = read({
      params: { ...params },
      query: { ...request.query },
      headers: { ...request.headers },
      mediaType,
      body,
      bodySent: request.bytes.length > 0,
    });
    const verdict = validate(input);
    if (!verdict.valid) violations.push(...verdict.violations);
    return { body, violations };
  };
}

function missingCredential(operation: OperationRef): Violation {
  const places = operation.security
    .filter((alternative) => alternative.length > 0)
    .map((alternative) =>
      alternative.map(({ location, name }) => (location ? describeCredentialLocation(location) : name)).join(' with '),
    );
  const bodyField = operation.requestBody?.credential;
  if (bodyField) places.push(describeCredentialLocation(bodyField));
  const first = operation.security.find((alternative) => alternative.length > 0)?.[0]?.location ?? bodyField;
  const place: Pick<Violation, 'in' | 'pointer'> =
    first?.in === 'query' || first?.in === 'body'
      ? { in: first.in, pointer: `/${first.name}` }
      : {
          in: 'header',
          pointer: `/${first?.in === 'header' ? first.name.toLowerCase() : first?.in === 'cookie' ? 'cookie' : 'authorization'}`,
        };
  return { ...place, keyword: 'security', detail: `no credential: send one in ${places.join(', or ')}` };
}

function noOperation(method: string, path: string): Violation {
  return {
    in: 'path',
    pointer: '',
    keyword: 'operation',
    detail: `no operation of the spec matches ${method} ${path}`,
  };
}

function redact<T>(values: Record<string, T>, names: readonly string[]): Record<string, T | string> {
  const secret = new Set(names.map((name) => name.toLowerCase()));
  return Object.fromEntries(
    Object.entries(values)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, secret.has(name.toLowerCase()) ? redacted : value]),
  );
}

function redactFields(body: unknown, names: readonly string[]): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body) || body instanceof Uint8Array || names.length === 0)
    return body;
  const fields = body as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [name, names.includes(name) ? redacted : value]),
  );
}
