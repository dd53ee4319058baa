/**
 * Where the specs put credentials (derived from their security schemes), so that logs can leave
 * them out and CORS can allow them.
 */
import { credentialLocationOf, type OpenApiDocument, type SpecObject } from '@trackspec/specs';

export interface CredentialLocations {
  /** Lower-case header names that carry credentials (`authorization` for HTTP schemes, `cookie` for cookie keys). */
  headers: string[];
  /** Query parameter names that carry credentials (e.g. m1das `writekey`, TTO `api_key`). */
  query: string[];
}

export function credentialLocations(documents: readonly OpenApiDocument[]): CredentialLocations {
  const headers = new Set<string>();
  const query = new Set<string>();
  for (const document of documents) {
    for (const scheme of Object.values((document.components?.securitySchemes ?? {}) as Record<string, SpecObject>)) {
      const location = credentialLocationOf(scheme);
      if (location?.in === 'authorization') headers.add('authorization');
      else if (location?.in === 'header') headers.add(location.name.toLowerCase());
      else if (location?.in === 'cookie') headers.add('cookie');
      else if (location?.in === 'query') query.add(location.name);
    }
  }
  return { headers: [...headers], query: [...query] };
}

/** Names clients use for credentials when they put them in the wrong place (e.g. a bearer token in the query). */
const commonCredentialNames = [
  'token',
  'access_token',
  'apikey',
  'api_key',
  'key',
  'secret',
  'password',
  'signature',
  'sha1_signature',
];

/** A URL as it may be logged: credentials in its query string (the specs' and commonly named ones) are replaced. */
export function urlRedactor(queryNames: readonly string[]): (url: string) => string {
  const secret = new Set([...queryNames, ...commonCredentialNames].map((name) => name.toLowerCase()));
  return (url) => {
    const queryStart = url.indexOf('?');
    if (queryStart < 0) return url;
    const query = new URLSearchParams(url.slice(queryStart + 1));
    for (const name of [...query.keys()]) if (secret.has(name.toLowerCase())) query.set(name, '[redacted]');
    return `${url.slice(0, queryStart)}?${query.toString()}`;
  };
}
