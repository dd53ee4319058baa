/**
 * Named factories for the APIs that need no code of their own, kept from before the generic
 * client: each is `createApiClient(<api>, ...)`, with the spec's bearer scheme (if any) taking the
 * `token` option. A new API gets none of these: use `createApiClient('<api>', ...)`.
 */
import { type admin, apiFacts, type hellotext, type rockstat } from '@trackspec/types';
import { type ApiFacts, createApiClient, schemeWhere } from './api-client.js';
import type { BearerClientOptions, ClientOptions, TypedClient } from './typed-client.js';

const bearerScheme = (facts: ApiFacts) =>
  schemeWhere(facts, (scheme) => scheme.type === 'http' && scheme.scheme === 'bearer');

export type HellotextPaths = hellotext.paths;
/** `token`: the business's authorization token (created in the tokens section of its settings). */
export type HellotextClientOptions<ThrowOnError extends boolean = false> = BearerClientOptions<ThrowOnError>;
export type HellotextClient<ThrowOnError extends boolean = false> = TypedClient<HellotextPaths, ThrowOnError>;

export function createHellotextClient<ThrowOnError extends boolean = false>(
  options: HellotextClientOptions<ThrowOnError>,
): HellotextClient<ThrowOnError> {
  return createApiClient('hellotext', {
    ...options,
    credentials: { [bearerScheme(apiFacts.hellotext)]: options.token },
  });
}

export type RockstatPaths = rockstat.paths;
export type RockstatClient<ThrowOnError extends boolean = false> = TypedClient<RockstatPaths, ThrowOnError>;

/**
 * Rockstat documents no authentication. Its free-form query data (`params`, `style: form,
 * explode: true`) is sent as OpenAPI says: `{ params: { a: '1' } }` as `?a=1`. Bodies are JSON by
 * default; pass a urlencoded `Content-Type` header to send a form.
 */
export function createRockstatClient<ThrowOnError extends boolean = false>(
  options: ClientOptions<ThrowOnError>,
): RockstatClient<ThrowOnError> {
  return createApiClient('rockstat', options);
}

export type AdminPaths = admin.paths;
/** `token`: the admin bearer token from the server's config. */
export type AdminClientOptions<ThrowOnError extends boolean = false> = BearerClientOptions<ThrowOnError>;
export type AdminClient<ThrowOnError extends boolean = false> = TypedClient<AdminPaths, ThrowOnError>;

/**
 * The trackspec server's admin API. `baseUrl` is the admin base (e.g. `http://127.0.0.1:8080/admin`);
 * the probes live at the server root, so call them with a per-request `baseUrl`:
 * `client.GET('/healthz', { baseUrl: 'http://127.0.0.1:8080' })`.
 */
export function createAdminClient<ThrowOnError extends boolean = false>(
  options: AdminClientOptions<ThrowOnError>,
): AdminClient<ThrowOnError> {
  return createApiClient('admin', { ...options, credentials: { [bearerScheme(apiFacts.admin)]: options.token } });
}
