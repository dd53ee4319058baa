/** URLs as they may be logged: credentials carried in the query string are replaced. */
const secretQueryParameters = ['writekey', 'api_key', 'token', 'access_token'];

export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  const query = new URLSearchParams(url.slice(queryStart + 1));
  for (const name of [...query.keys()]) if (secretQueryParameters.includes(name.toLowerCase())) query.set(name, '[redacted]');
  return `${url.slice(0, queryStart)}?${query.toString()}`;
}
