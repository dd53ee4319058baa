/**
 * Reading a credential where a security scheme puts it, from a received request: the server
 * authenticates with it and the mocks judge with it. No Node built-in: browser-safe like
 * `credentials.ts`.
 */
import type { CredentialLocation } from './credentials.js';

/** A received request's headers (lower-case names) and query parameters, as an HTTP framework gives them. */
export interface ReceivedParts {
  headers: Record<string, unknown>;
  query: Record<string, unknown> | undefined;
}

/** The credential at `location`; undefined when absent or malformed. Body fields are read once the body is (`bodyCredential`). */
export function readCredential(location: CredentialLocation, request: ReceivedParts): string | undefined {
  switch (location.in) {
    case 'header':
      return firstValue(request.headers[location.name.toLowerCase()]);
    case 'query':
      return firstValue(request.query?.[location.name]);
    case 'cookie':
      return cookieValue(firstValue(request.headers.cookie), location.name);
    case 'body':
      return undefined;
    case 'authorization': {
      const authorization = firstValue(request.headers.authorization);
      if (!authorization) return undefined;
      return location.scheme === 'basic' ? basicUsername(authorization) : bearerToken(authorization);
    }
  }
}

/** A non-empty string in the body field `name`. */
export function bodyCredential(name: string, body: unknown): string | undefined {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value ? value : undefined;
}

/** A credential's place as a JSON pointer into a request read as `{ headers, query, body }`. */
export function locationPointer(location: CredentialLocation): string {
  const escaped = (name: string) => name.replaceAll('~', '~0').replaceAll('/', '~1');
  switch (location.in) {
    case 'header':
      return `/headers/${escaped(location.name.toLowerCase())}`;
    case 'cookie':
      return '/headers/cookie';
    case 'query':
      return `/query/${escaped(location.name)}`;
    case 'body':
      return `/body/${escaped(location.name)}`;
    case 'authorization':
      return '/headers/authorization';
  }
}

/** Where a credential travels, in words for an error message (never its value). */
export function describeCredentialLocation(location: CredentialLocation): string {
  switch (location.in) {
    case 'header':
      return `the \`${location.name}\` header`;
    case 'cookie':
      return `the \`${location.name}\` cookie`;
    case 'query':
      return `the \`${location.name}\` query parameter`;
    case 'body':
      return `the \`${location.name}\` body field`;
    case 'authorization':
      return `the Authorization header (${location.scheme === 'basic' ? 'Basic' : 'Bearer'})`;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim() || undefined;
  }
  return undefined;
}

function firstValue(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first ? first : undefined;
}

/**
 * The key carried by HTTP Basic. trackspec's Basic schemes (m1das) put a key that may itself
 * contain `:` (`keyId:keySecret`) in the username with an empty password, so the credential is
 * everything before the final `:`. Tolerates what real SDKs send: a trailing newline after
 * `key:` (the vendor's own example), or no final colon at all.
 */
function basicUsername(header: string): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = decodeBase64(match[1]!)?.replace(/[\r\n]+$/, '');
  return decoded?.replace(/:$/, '') || undefined;
}

/** Standard or URL-safe base64, padded or not, as UTF-8 text; undefined when it is not base64. */
function decodeBase64(text: string): string | undefined {
  const standard = text.replaceAll('-', '+').replaceAll('_', '/').replace(/=+$/, '');
  try {
    return new TextDecoder().decode(Uint8Array.from(atob(standard), (char) => char.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

function bearerToken(header: string): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}
