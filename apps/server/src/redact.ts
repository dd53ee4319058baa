/**
 * Credentials out of logged URLs: the query parameters the specs put credentials in (see
 * `credentialNamesOf`), and the names clients use when they put one in the wrong place.
 */
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
