import type { m1das } from '@trackspec/types';
import { basicCredential, headerCredential, queryCredential } from '../credentials.js';
import { type ClientOptions, createTypedClient, type TypedClient } from '../typed-client.js';

export type M1dasPaths = m1das.paths;
export type M1dasEvent = m1das.components['schemas']['Event'];
export type M1dasBatchEvent = m1das.components['schemas']['BatchEvent'];

export interface M1dasClientOptions<ThrowOnError extends boolean = false> extends ClientOptions<ThrowOnError> {
  /** The write key (`keyId:keySecret`). */
  writeKey: string;
  /**
   * Where the key goes, as the spec's three security schemes allow: the `X-Write-Key` header
   * (default, recommended), HTTP Basic with the key as username and an empty password, or the
   * `writekey` query parameter (for tests only, per the vendor).
   */
  auth?: 'header' | 'basic' | 'query';
}

export type M1dasClient<ThrowOnError extends boolean = false> = TypedClient<M1dasPaths, ThrowOnError>;

export function createM1dasClient<ThrowOnError extends boolean = false>(
  options: M1dasClientOptions<ThrowOnError>,
): M1dasClient<ThrowOnError> {
  const { writeKey, auth = 'header' } = options;
  const credential = {
    header: () => headerCredential('X-Write-Key', writeKey),
    basic: () => basicCredential(writeKey),
    query: () => queryCredential('writekey', writeKey),
  }[auth]();
  return createTypedClient<M1dasPaths, ThrowOnError>(options, { middleware: [credential] });
}
