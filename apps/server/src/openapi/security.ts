/**
 * Evaluates an operation's `security` alternatives against a request. The router only checks
 * that some alternative's credentials are present and well-formed; which source a credential
 * belongs to is the handler's business (it knows the API's sources).
 */
import type { FastifyRequest } from 'fastify';

type Json = Record<string, any>;

export interface Credential {
  /** Security scheme name from the spec, e.g. `writeKeyHeader`. */
  scheme: string;
  /** The secret: API key, bearer token, or Basic username (the write key). */
  value: string;
}

export type SecurityOutcome = { ok: true; credential?: Credential } | { ok: false; detail: string };

/**
 * The key carried by HTTP Basic. trackspec's Basic schemes (m1das) put a key that may itself
 * contain `:` (`keyId:keySecret`) in the username with an empty password, so the credential is
 * everything before the final `:`. Tolerates what real SDKs send: a trailing newline after
 * `key:` (the vendor's own example), or no final colon at all.
 */
export function basicUsername(header: string): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64')
    .toString('utf8')
    .replace(/[\r\n]+$/, '');
  return decoded.replace(/:$/, '') || undefined;
}

function bearerToken(header: string): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}

function credentialFor(name: string, scheme: Json, request: FastifyRequest): string | undefined {
  if (scheme.type === 'apiKey') {
    if (scheme.in === 'header') return headerValue(request, scheme.name);
    if (scheme.in === 'query') return queryValue(request, scheme.name);
    return undefined;
  }
  if (scheme.type === 'http') {
    const authorization = headerValue(request, 'authorization');
    if (!authorization) return undefined;
    if (/^basic$/i.test(scheme.scheme)) return basicUsername(authorization);
    if (/^bearer$/i.test(scheme.scheme)) return bearerToken(authorization);
  }
  throw new Error(`Security scheme ${name} (${scheme.type}) is not supported by the server`);
}

function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Json | undefined)?.[name];
  return (Array.isArray(value) ? value[0] : value) || undefined;
}

/** The first satisfied alternative wins; `{}` (anonymous) is satisfied by any request. */
export function evaluateSecurity(
  alternatives: readonly Json[],
  schemes: Json,
  request: FastifyRequest,
): SecurityOutcome {
  if (alternatives.length === 0) return { ok: true };
  for (const alternative of alternatives) {
    const names = Object.keys(alternative);
    if (names.length === 0) return { ok: true };
    const values = names.map((name) => credentialFor(name, schemes[name], request));
    if (values.every((value) => value !== undefined))
      return { ok: true, credential: { scheme: names[0]!, value: values[0]! } };
  }
  const accepted = alternatives.map((alternative) => Object.keys(alternative).join(' + ') || 'none').join(', or ');
  return { ok: false, detail: `Missing or malformed credentials: send one of ${accepted}.` };
}
