import { apiFacts, type tto } from '@trackspec/types';
import { type ContractCheckOptions, createApiClient } from '../api-client.js';
import type { WithClientFilledBody } from '../body-types.js';
import { bodyCredential } from '../credentials.js';
import type { ClientOptions, TypedClient } from '../typed-client.js';

/** TTO's paths with `api_key` filled by the client (optional for callers). */
export type TtoPaths = WithClientFilledBody<tto.paths, 'api_key'>;

export interface TtoClientOptions<ThrowOnError extends boolean = false>
  extends ClientOptions<ThrowOnError>,
    ContractCheckOptions {
  /** The project API key: sent as `api_key` in the JSON body (track, identify, alias) or the query (settings). */
  apiKey: string;
}

export type TtoClient<ThrowOnError extends boolean = false> = TypedClient<TtoPaths, ThrowOnError>;

/**
 * The generic client (it puts the key in the query of `settings`, as the spec's scheme says), plus
 * the quirk no security scheme can describe: the same key, under the same name, in the JSON body of
 * track, identify and alias.
 */
export function createTtoClient<ThrowOnError extends boolean = false>(
  options: TtoClientOptions<ThrowOnError>,
): TtoClient<ThrowOnError> {
  const facts = apiFacts.tto;
  return createApiClient<TtoPaths, typeof facts, ThrowOnError>(
    facts,
    { ...options, credentials: { apiKey: options.apiKey } },
    { middleware: [bodyCredential(facts.securitySchemes.apiKey.name, options.apiKey)] },
  );
}
