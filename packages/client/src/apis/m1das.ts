import { apiFacts, type m1das } from '@trackspec/types';
import { type ContractCheckOptions, createApiClient, type SecuritySchemeFacts, schemeWhere } from '../api-client.js';
import type { ClientOptions, TypedClient } from '../typed-client.js';

export type M1dasPaths = m1das.paths;
export type M1dasEvent = m1das.components['schemas']['Event'];
export type M1dasBatchEvent = m1das.components['schemas']['BatchEvent'];

export interface M1dasClientOptions<ThrowOnError extends boolean = false>
  extends ClientOptions<ThrowOnError>,
    ContractCheckOptions {
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

/** Which of the spec's schemes each `auth` choice means (by where it puts the key, not by name). */
const schemes: Record<NonNullable<M1dasClientOptions['auth']>, (scheme: SecuritySchemeFacts) => boolean> = {
  header: (scheme) => scheme.type === 'apiKey' && scheme.in === 'header',
  basic: (scheme) => scheme.type === 'http' && scheme.scheme === 'basic',
  query: (scheme) => scheme.type === 'apiKey' && scheme.in === 'query',
};

/** The generic client with one write key: the quirks are the `auth` choice and Basic's empty password. */
export function createM1dasClient<ThrowOnError extends boolean = false>(
  options: M1dasClientOptions<ThrowOnError>,
): M1dasClient<ThrowOnError> {
  const { writeKey, auth = 'header' } = options;
  const scheme = schemeWhere(apiFacts.m1das, schemes[auth]);
  return createApiClient('m1das', {
    ...options,
    credentials: { [scheme]: auth === 'basic' ? `${writeKey}:` : writeKey },
  });
}
