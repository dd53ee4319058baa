/**
 * Where in an API a change sits, read from its JSON pointer into the dereferenced document: the
 * operation, and whether it is in what a client sends (request body, parameters) or receives.
 */
const httpMethods = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Where in the API a change sits, read from its pointer. */
export interface ChangeLocation {
  /** `POST /v1/track`, or undefined for a change outside any operation (info, servers, …). */
  operation?: string;
  side: 'request' | 'response' | 'other';
}

export function locate(pointer: string): ChangeLocation {
  const segments = pointer
    .replace(/^#\/?/, '')
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  const side = segments.includes('responses')
    ? 'response'
    : segments.includes('requestBody') || segments.includes('parameters')
      ? 'request'
      : 'other';
  const paths = segments.indexOf('paths');
  const path = paths === -1 ? undefined : segments[paths + 1];
  const method = paths === -1 ? undefined : segments[paths + 2];
  if (path === undefined) return { side };
  return {
    operation: method && httpMethods.has(method) ? `${method.toUpperCase()} ${path}` : path,
    side,
  };
}
