import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  credentialsToSend,
  encodeBody,
  isJsonMediaType,
  type JsonObject,
  jsonDepth,
  mediaTypeOf,
  operationBaseUrl,
  operationUrl,
  placeCredential,
  type RequestParts,
} from '@trackspec/specs';
import { type RequestCase, wrongCredentialValue } from './cases.js';
import { clientFor } from './clients.js';

export interface Answer {
  status: number;
  mediaType: string;
  body: unknown;
  /** The answer's headers, by lower-case name. */
  headers: Record<string, string>;
  /** What a validating proxy in the path (Prism's `sl-violations` header) found wrong, if one is there. */
  violations: Violation[];
}

export interface Violation {
  location: string[];
  severity: string;
  message: string;
}

/** The request of a case, for a failure message: API, operation, case, and its body's size and nesting. */
export function describeRequest(api: string, request: RequestCase): string {
  const { operation } = request;
  const encoded = request.encodedBody ?? (request.mediaType ? encodeBody(request.mediaType, request.body) : undefined);
  const bytes = encoded === undefined ? 0 : typeof encoded === 'string' ? Buffer.byteLength(encoded) : encoded.length;
  const text = typeof encoded === 'string' ? encoded : undefined;
  const depth =
    text !== undefined && request.mediaType && isJsonMediaType(request.mediaType) ? `, depth ${jsonDepth(text)}` : '';
  const body = encoded === undefined ? 'no body' : `${bytes} bytes${depth}`;
  return `${api} ${operation.operationId} (${operation.method.toUpperCase()} ${operation.path}, ${request.name}; ${body})`;
}

/** The code of a transport error (`EPIPE`, `ECONNRESET`, …), which fetch keeps in its `cause`. */
export function transportErrorOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  const message = cause?.message ?? (error as Error).message;
  return code ? `${code} (${message})` : String(message);
}

/** Headers by lower-case name. */
export function headersOf(headers: Headers): Record<string, string> {
  const byName: Record<string, string> = {};
  headers.forEach((value, name) => {
    byName[name] = value;
  });
  return byName;
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
  const mediaType = mediaTypeOf(response.headers.get('content-type')) ?? '';
  const text = await response.text();
  let body: unknown = text === '' ? undefined : text;
  if (text && isJsonMediaType(mediaType)) {
    try {
      body = JSON.parse(text);
    } catch {
      // left as text: the checker reports a body that is not the JSON it claims to be
    }
  }
  return {
    status: response.status,
    mediaType,
    body,
    headers: headersOf(response.headers),
    violations: violationsOf(response),
  };
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
  const mediaType = mediaTypeOf(result.response.headers.get('content-type')) ?? '';
  return {
    status: result.response.status,
    mediaType,
    body: result.error ? result.error.body : result.data,
    headers: headersOf(result.response.headers),
    violations: violationsOf(result.response),
  };
}

/**
 * A request built from the spec alone (for the requests a typed client would refuse to build).
 * `secondSource` holds another source's credentials, for the `second-source` cases.
 */
export async function sendRaw(
  baseUrl: string,
  credentials: Record<string, string>,
  request: RequestCase,
  secondSource: Record<string, string> = {},
): Promise<Answer> {
  const outgoing: RequestParts = { headers: { ...request.headers }, query: {} };
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
  if ((request.auth === 'wrong-value' || request.auth === 'second-source') && request.credential) {
    const { name, location } = request.credential;
    const sent = location.in === 'body' ? (body as Record<string, unknown>)[name] : credentials[name];
    const value =
      request.auth === 'second-source' ? (secondSource[name] ?? '') : wrongCredentialValue(String(sent ?? 'key'));
    if (location.in === 'body') body = { ...(body as Record<string, unknown>), [name]: value };
    else placeCredential(outgoing, location, value);
  }
  if (request.mediaType) outgoing.headers['content-type'] = request.mediaType;
  const url = operationUrl(baseUrl, request.operation, request.pathParams);
  for (const [name, value] of Object.entries(outgoing.query)) url.searchParams.set(name, value);
  const encoded = request.encodedBody ?? (request.mediaType ? encodeBody(request.mediaType, body) : undefined);
  const method = (request.method ?? request.operation.method).toUpperCase();
  const headers = outgoing.headers;
  return read(
    method === 'GET' && encoded !== undefined
      ? await requestWithAnyBody(url, { method, headers, body: encoded })
      : await fetch(url, { method, headers, body: encoded }),
  );
}

/** fetch refuses a GET with a body; a case sends one on purpose, so it goes through node:http. */
function requestWithAnyBody(
  url: URL,
  init: { method: string; headers: Record<string, string>; body: string | Uint8Array<ArrayBuffer> },
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    // node:http frames a GET's body only when told its length.
    const headers = { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) };
    const outgoing = send(url, { method: init.method, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(incoming.headers))
          if (value !== undefined) headers.set(name, [value].flat().join(', '));
        resolve(new Response(Buffer.concat(chunks), { status: incoming.statusCode ?? 0, headers }));
      });
    });
    outgoing.on('error', reject);
    outgoing.end(init.body);
  });
}
