import type { rockstat } from '@trackspec/types';
import { type ClientOptions, createTypedClient, type TypedClient } from '../typed-client.js';

export type RockstatPaths = rockstat.paths;
export type RockstatClient<ThrowOnError extends boolean = false> = TypedClient<RockstatPaths, ThrowOnError>;

/**
 * Rockstat documents no authentication. Its free-form query data (`params`) is declared
 * `style: form, explode: true`, so `{ params: { a: '1' } }` is sent as `?a=1`. Bodies are JSON by
 * default; pass a urlencoded `Content-Type` header to send a form.
 */
export function createRockstatClient<ThrowOnError extends boolean = false>(
  options: ClientOptions<ThrowOnError>,
): RockstatClient<ThrowOnError> {
  return createTypedClient<RockstatPaths, ThrowOnError>(options, {
    querySerializer: { object: { style: 'form', explode: true } },
  });
}
