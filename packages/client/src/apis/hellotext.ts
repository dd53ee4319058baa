import type { hellotext } from '@trackspec/types';
import { bearerCredential } from '../credentials.js';
import { createTypedClient, type ClientOptions, type TypedClient } from '../typed-client.js';

export type HellotextPaths = hellotext.paths;

export interface HellotextClientOptions<ThrowOnError extends boolean = false> extends ClientOptions<ThrowOnError> {
  /** The business's authorization token, sent as `Authorization: Bearer <token>`. */
  token: string;
}

export type HellotextClient<ThrowOnError extends boolean = false> = TypedClient<HellotextPaths, ThrowOnError>;

export function createHellotextClient<ThrowOnError extends boolean = false>(options: HellotextClientOptions<ThrowOnError>): HellotextClient<ThrowOnError> {
  return createTypedClient<HellotextPaths, ThrowOnError>(options, { middleware: [bearerCredential(options.token)] });
}
