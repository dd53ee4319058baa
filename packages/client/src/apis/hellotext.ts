import { apiFacts, type hellotext } from '@trackspec/types';
import { bearerSchemeOf, type ContractCheckOptions, createApiClient } from '../api-client.js';
import type { BearerClientOptions, TypedClient } from '../typed-client.js';

export type HellotextPaths = hellotext.paths;
/** `token`: the business's authorization token (created in the tokens section of its settings). */
export type HellotextClientOptions<ThrowOnError extends boolean = false> = BearerClientOptions<ThrowOnError> &
  ContractCheckOptions;
export type HellotextClient<ThrowOnError extends boolean = false> = TypedClient<HellotextPaths, ThrowOnError>;

export function createHellotextClient<ThrowOnError extends boolean = false>(
  options: HellotextClientOptions<ThrowOnError>,
): HellotextClient<ThrowOnError> {
  return createApiClient('hellotext', {
    ...options,
    credentials: { [bearerSchemeOf(apiFacts.hellotext)]: options.token },
  });
}
