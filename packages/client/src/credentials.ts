/**
 * openapi-fetch middleware for credentials: the ones a spec's security schemes describe are placed by
 * `specCredentials` (./api-client.ts); these are the rest (bodies, form fields) and `createBearerClient`'s.
 */
import type { Middleware } from 'openapi-fetch';
import { type AnyRequest, withChanges } from './outgoing-request.js';

export function headerCredential(name: string, value: string): Middleware {
  return {
    onRequest({ request }) {
      request.headers.set(name, value);
      return request;
    },
  };
}

export function bearerCredential(token: string): Middleware {
  return headerCredential('Authorization', `Bearer ${token}`);
}

// The typed client may hand middleware an OutgoingRequest rather than a Request (see
// ./outgoing-request.ts); these use only what both have, and build copies with withChanges().
const requestOf = (params: { request: Request }) => params.request as AnyRequest;
const asRequest = (request: AnyRequest) => request as Request;

const isJson = (request: AnyRequest) => /^application\/(.+\+)?json\b/i.test(request.headers.get('content-type') ?? '');
const isForm = (request: AnyRequest) =>
  /^application\/x-www-form-urlencoded\b/i.test(request.headers.get('content-type') ?? '');

/**
 * A key that travels in the JSON body, added when the body lacks it (TTO's `api_key`: a place no
 * security scheme can describe).
 */
export function bodyCredential(name: string, value: string): Middleware {
  return {
    async onRequest(params) {
      const request = requestOf(params);
      if (!request.body || !isJson(request)) return asRequest(request);
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
