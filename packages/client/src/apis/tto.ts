import type { tto } from '@trackspec/types';
import type { WithClientFilledBody } from '../body-types.js';
import { bodyOrQueryCredential } from '../credentials.js';
import { type ClientOptions, createTypedClient, type TypedClient } from '../typed-client.js';

/** TTO's paths with `api_key` filled by the client (optional for callers). */
export type TtoPaths = WithClientFilledBody<tto.paths, 'api_key'>;

export interface TtoClientOptions<ThrowOnError extends boolean = false> extends ClientOptions<ThrowOnError> {
  /** The project API key: sent as `api_key` in the JSON body (track, identify, alias) or the query (settings). */
  apiKey: string;
}

export type TtoClient<ThrowOnError extends boolean = false> = TypedClient<TtoPaths, ThrowOnError>;

export function createTtoClient<ThrowOnError extends boolean = false>(
  options: TtoClientOptions<ThrowOnError>,
): TtoClient<ThrowOnError> {
  return createTypedClient<TtoPaths, ThrowOnError>(options, {
    middleware: [bodyOrQueryCredential('api_key', options.apiKey)],
  });
}
