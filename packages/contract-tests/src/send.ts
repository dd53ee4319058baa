import type { OpenApiDocument } from '@trackspec/specs';
import type { RequestCase } from './cases.js';
import { securityAlternatives } from './cases.js';
import { clientFor } from './clients.js';

type Json = Record<string, any>;

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

/**
 * The base URL of one operation: the target's URL for the API, unless the spec gives the path its
 * own `servers` (e.g. the admin probes at the server root), whose path then replaces the API's.
 */
export function operationBaseUrl(document: OpenApiDocument, baseUrl: string, path: string): string {
  const servers = (document.paths?.[path] as Json | undefined)?.servers as Json[] | undefined;
  if (!servers?.[0]) return baseUrl;
  return new URL(new URL(servers[0].url, 'http://placeholder').pathname, baseUrl).toString().replace(/\/+$/, '');
}

/** A named example, sent through the API's typed client exactly as a user would. */
export async function sendWithClient(
  document: OpenApiDocument,
  api: string,
  baseUrl: string,
  credentials: Record<string, string>,
  request: RequestCase,
): Promise<Answer> {
  const client = clientFor(api, baseUrl, credentials);
  const method = request.operation.method.toUpperCase() as 'GET';
  const init: Json = {
    params: { path: request.pathParams, query: request.query },
    baseUrl: operationBaseUrl(document, baseUrl, request.operation.path),
  };
  if (request.mediaType) {
    init.body = request.body;
    init.headers = { 'Content-Type': request.mediaType };
  }
  // openapi-fetch has read the body: take it from the result (data for 2xx, the ApiError's body otherwise).
  const result = await (
    client[method] as (
      path: string,
      init: Json,
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

/** A form carries strings only: non-string values travel as their JSON text. */
export function formFields(body: Json): Record<string, string> {
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}

function encodeBody(mediaType: string, body: unknown): string {
  if (typeof body === 'string') return body;
  if (mediaType === 'application/x-www-form-urlencoded')
    return new URLSearchParams(formFields(body as Json)).toString();
  return JSON.stringify(body);
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

/** A request built from the spec alone (for the requests a typed client would refuse to build). */
export async function sendRaw(
  document: OpenApiDocument,
  baseUrl: string,
  credentials: Record<string, string>,
  request: RequestCase,
): Promise<Answer> {
  const path = request.operation.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(String(request.pathParams[name])),
  );
  const url = new URL(operationBaseUrl(document, baseUrl, request.operation.path).replace(/\/+$/, '') + path);
  for (const [name, value] of Object.entries(request.query)) {
    if (value && typeof value === 'object')
      for (const [key, inner] of Object.entries(value)) url.searchParams.set(key, String(inner));
    else url.searchParams.set(name, String(value));
  }
  const headers = new Headers();
  if (request.auth === 'wrong') headers.set('Authorization', 'Token contract-test-undocumented-scheme');
  if (request.auth === 'valid') {
    const alternative =
      securityAlternatives(document, request.operation).find((candidate) => Object.keys(candidate).length > 0) ?? {};
    const schemes = (document.components?.securitySchemes ?? {}) as Record<string, Json>;
    for (const name of Object.keys(alternative)) {
      const scheme = schemes[name]!;
      const value = credentials[name] ?? '';
      if (scheme.type === 'apiKey' && scheme.in === 'header') headers.set(scheme.name, value);
      else if (scheme.type === 'apiKey' && scheme.in === 'query') url.searchParams.set(scheme.name, value);
      else if (scheme.type === 'http' && /^basic$/i.test(scheme.scheme))
        headers.set('Authorization', `Basic ${base64(value)}`);
      else if (scheme.type === 'http' && /^bearer$/i.test(scheme.scheme))
        headers.set('Authorization', `Bearer ${value}`);
      else throw new Error(`The contract suite cannot send security scheme ${name} (${scheme.type})`);
    }
  }
  let body: string | undefined;
  if (request.mediaType) {
    headers.set('Content-Type', request.mediaType);
    body = encodeBody(request.mediaType, request.body);
  }
  return read(await fetch(url, { method: request.operation.method.toUpperCase(), headers, body }));
}
