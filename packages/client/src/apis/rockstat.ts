import type { rockstat } from '@trackspec/types';
import { type ContractCheckOptions, createApiClient } from '../api-client.js';
import type { ClientOptions, TypedClient } from '../typed-client.js';

export type RockstatPaths = rockstat.paths;
export type RockstatClient<ThrowOnError extends boolean = false> = TypedClient<RockstatPaths, ThrowOnError>;

/**
 * Rockstat documents no authentication. Its free-form query data (`params`, `style: form,
 * explode: true`) is sent as OpenAPI says: `{ params: { a: '1' } }` as `?a=1`. Bodies are JSON by
 * default; pass a urlencoded `Content-Type` header to send a form.
 */
export function createRockstatClient<ThrowOnError extends boolean = false>(
  options: ClientOptions<ThrowOnError> & ContractCheckOptions,
): RockstatClient<ThrowOnError> {
  return createApiClient('rockstat', options);
}
