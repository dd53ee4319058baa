import {
  credentialsToSend,
  encodeBody,
  type JsonObject,
  type OutgoingRequest,
  operationBaseUrl,
  operationUrl,
  placeCredential,
} from '@trackspec/specs';
import { type RequestCase, wrongCredentialValue } from './cases.js';
import { clientFor } from './clients.js';

export interface Answer {
  status: number;
  mediaType: string;
  body: unknown;
  /** What a validating proxy in the path (Prism's `sl-violations` header) found wrong, if one is there. */
  violations: Violation[];
}

export interface Violation {
  location: string[];
  severity: string;
  message: string;
}

function violationsOf(response: Response): Violation[] {
  const header = response.headers.get('sl-violations');
  if (!header) return [];
  try {
    return JSON.parse(header) as Violation[];
  } catch {
    return [{ location: ['response'], severity: 'Error', message: `unreadable sl-violations header: ${header}` }];
  }
}

async function read(response: Response): Promise<Answer> {
  const mediaType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const text = await response.text();
  let body: unknown = text === '' ? undefined : text;
  if (text && /json/.test(mediaType)) {
    try {
      body = JSON.parse(text);
    } catch {
      // left as text: the checker reports a body that is not the JSON it claims to be
    }
  }
  return { status: response.status, mediaType, body, violations: violationsOf(response) };
}

/** A named example, sent through the API's typed client exactly as a user would. */
export async function sendWithClient(
  api: string,
  baseUrl: string,
  credentials: Record<string, string>,
  request: RequestCase,
): Promise<Answer> {
  const client = clientFor(api, baseUrl, credentials);
  const method = request.operation.method.toUpperCase() as 'GET';
  const init: JsonObject = {
    params: { path: request.pathParams, query: request.query },
    baseUrl: operationBaseUrl(baseUrl, request.operation),
  };
  if (request.mediaType) {
    init.body = request.body;
    init.headers = { 'Content-Type': request.mediaType };
  }
  // openapi-fetch has read the body: take it from the result (data for 2xx, the ApiError's body otherwise).
  const result = await (
    client[method] as (
      path: string,
      init: JsonObject,
    ) => Promise<{ data?: unknown; error?: { body: unknown }; response: Response }>
  )(request.operation.path, init);
  const mediaType = (result.response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  return {
    status: result.response.status,
    mediaType,
    body: result.error ? result.error.body : result.data,
    violations: violationsOf(result.response),
  };
}

/** A request built from the spec alone (for the requests a typed client would refuse to build). */
export async function sendRaw(
  baseUrl: string,
  credentials: Record<string, string>,
  request: RequestCase,
): Promise<Answer> {
  const outgoing: OutgoingRequest = { headers: {}, query: {} };
  for (const [name, value] of Object.entries(request.query)) {
    // A free-form query object (`style: form, explode: true`) travels as its members.
    if (value && typeof value === 'object')
      for (const [member, inner] of Object.entries(value)) outgoing.query[member] = String(inner);
    else outgoing.query[name] = String(value);
  }
  if (request.auth === 'wrong') outgoing.headers.authorization = 'Token contract-test-undocumented-scheme';
  // Bodies carry the examples' own keys: a mutation may remove or break one on purpose.
  if (request.auth === 'valid')
    for (const { name, location } of credentialsToSend(request.operation))
      if (location.in !== 'body') placeCredential(outgoing, location, credentials[name] ?? '');
  // The one credential of the case, wrong; a body field's right value is the one the example carries.
  let body = request.body;
  if (request.auth === 'wrong-value' && request.credential) {
    const { name, location } = request.credential;
    if (location.in === 'body') {
      const fields = { ...(body as Record<string, unknown>) };
      fields[name] = wrongCredentialValue(String(fields[name] ?? credentials[name] ?? 'key'));
      body = fields;
    } else placeCredential(outgoing, location, wrongCredentialValue(credentials[name] ?? 'key'));
  }
  if (request.mediaType) outgoing.headers['content-type'] = request.mediaType;
  const url = operationUrl(baseUrl, request.operation, request.pathParams);
  for (const [name, value] of Object.entries(outgoing.query)) url.searchParams.set(name, value);
  const encoded = request.mediaType ? encodeBody(request.mediaType, body) : undefined;
  return read(
    await fetch(url, { method: request.operation.method.toUpperCase(), headers: outgoing.headers, body: encoded }),
  );
}
