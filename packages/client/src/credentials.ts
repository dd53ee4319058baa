/** openapi-fetch middleware that put an API's credentials where its spec says they go. */
import type { Middleware } from 'openapi-fetch';
import { type AnyRequest, withChanges } from './outgoing-request.js';

/** Base64 of UTF-8 text, in Node and browsers alike (`btoa` alone only takes Latin-1). */
export function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function headerCredential(name: string, value: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set(name, value);
      return request;
    },
  };
}

/** HTTP Basic with `username:password` (an empty password keeps the trailing colon). */
export function basicCredential(username: string, password = ''): Middleware {
  return headerCredential('Authorization', `Basic ${base64(`${username}:${password}`)}`);
}

export function bearerCredential(token: string): Middleware {
  return headerCredential('Authorization', `Bearer ${token}`);
}

// The typed client may hand middleware an OutgoingRequest rather than a Request (see
// ./outgoing-request.ts); these use only what both have, and build copies with withChanges().
const requestOf = (params: { request: Request }) => params.request as AnyRequest;
const asRequest = (request: AnyRequest) => request as Request;

export function queryCredential(name: string, value: string): Middleware {
  return {
    onRequest(params) {
      const request = requestOf(params);
      const url = new URL(request.url);
      if (url.searchParams.has(name)) return asRequest(request);
      url.searchParams.set(name, value);
      return asRequest(withChanges(request, { url: url.href }));
    },
  };
}

const isJson = (request: AnyRequest) => /^application\/(.+\+)?json\b/i.test(request.headers.get('content-type') ?? '');
const isForm = (request: AnyRequest) =>
  /^application\/x-www-form-urlencoded\b/i.test(request.headers.get('content-type') ?? '');

/**
 * A key that travels in the JSON body (added when the body lacks it) and, for a request without
 * a body, in the query string (TTO's `api_key`).
 */
export function bodyOrQueryCredential(name: string, value: string): Middleware {
  const inQuery = queryCredential(name, value);
  return {
    async onRequest(params) {
      const request = requestOf(params);
      if (!request.body || !isJson(request)) return inQuery.onRequest!(params);
      const body = (await request.clone().json()) as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body) || name in body) return asRequest(request);
      return asRequest(withChanges(request, { body: JSON.stringify({ [name]: value, ...body }) }));
    },
  };
}

/** Fields added to every form-urlencoded body when absent (Dito's key, signature and constants). */
export function formFieldsCredential(fields: () => Promise<Record<string, string>>): Middleware {
  return {
    async onRequest(params) {
      const request = requestOf(params);
      if (!request.body || !isForm(request)) return asRequest(request);
      const form = new URLSearchParams(await request.clone().text());
      for (const [name, value] of Object.entries(await fields())) if (!form.has(name)) form.set(name, value);
      return asRequest(withChanges(request, { body: form.toString() }));
    },
  };
}

/** Lowercase hex SHA-1 (Web Crypto: Node ≥ 20 and browsers). */
export async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}
