import { type admin, apiFacts } from '@trackspec/types';
import { bearerSchemeOf, type ContractCheckOptions, createApiClient } from '../api-client.js';
import type { BearerClientOptions, TypedClient } from '../typed-client.js';

export type AdminPaths = admin.paths;
/** `token`: the admin bearer token from the server's config. */
export type AdminClientOptions<ThrowOnError extends boolean = false> = BearerClientOptions<ThrowOnError> &
  ContractCheckOptions;
export type AdminClient<ThrowOnError extends boolean = false> = TypedClient<AdminPaths, ThrowOnError>;

/**
 * The trackspec server's admin API. `baseUrl` is the admin base (e.g. `http://127.0.0.1:8080/admin`);
 * the probes live at the server root, so call them with a per-request `baseUrl`:
 * `client.GET('/healthz', { baseUrl: 'http://127.0.0.1:8080' })`.
 */
export function createAdminClient<ThrowOnError extends boolean = false>(
  options: AdminClientOptions<ThrowOnError>,
): AdminClient<ThrowOnError> {
  return createApiClient('admin', { ...options, credentials: { [bearerSchemeOf(apiFacts.admin)]: options.token } });
}
