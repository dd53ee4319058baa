/**
 * Who sent a request: the one place that decides. The operation's spec says where credentials
 * travel — a header, the query, HTTP Basic or Bearer (its `security`), or a body field
 * (`x-body-credential`) — and a credential found there resolves to a source through the same
 * lookup, whatever its place; every refusal is the same 401 problem, which names the places, never
 * a presented secret.
 */
import type { CredentialLocation, OperationRef } from '@trackspec/specs';
import type { FastifyRequest } from 'fastify';
import type { SourceConfig } from '../config.js';
import { unauthorized } from '../problems.js';

interface Credential {
  location: CredentialLocation;
  value: string;
}

/** The source a key belongs to, among one API's sources. */
export type FindSource = (key: string) => SourceConfig | undefined;

export interface Authentication {
  /**
   * Checked first: the credential of the first security alternative the request meets (none for
   * an anonymous one); a request that meets none is refused.
   */
  presented(request: FastifyRequest): Credential | undefined;
  /**
   * Once the body is read and valid: the source that owns the presented credential, else the
   * body's; undefined only where the spec admits anonymous requests.
   */
  source(presented: Credential | undefined, body: unknown): SourceConfig | undefined;
}

export function compileAuthentication(operation: OperationRef, findSource: FindSource | undefined): Authentication {
  const { operationId } = operation;
  // Where each alternative's credentials travel, in spec order.
  const alternatives = operation.security.map((alternative) =>
    alternative.map(({ name, scheme, location }) => {
      if (!location) throw new Error(`${operationId}: security scheme ${name} (${scheme.type}) is not supported`);
      return location;
    }),
  );
  const bodyField = operation.requestBody?.credential;
  const anonymous =
    !bodyField && (alternatives.length === 0 || alternatives.some((alternative) => alternative.length === 0));
  const places = [
    ...alternatives
      .filter((alternative) => alternative.length > 0)
      .map((alternative) => alternative.map(describe).join(' with ')),
    ...(bodyField ? [describe(bodyField)] : []),
  ];
  if (places.length > 0 && !findSource)
    throw new Error(`${operationId} takes credentials: mount its API with findSource`);
  const missing = () => unauthorized(`Missing or malformed credentials: send them in ${places.join(', or ')}.`);

  return {
    presented(request) {
      if (alternatives.length === 0) return undefined;
      for (const alternative of alternatives) {
        if (alternative.length === 0) return undefined;
        const values = alternative.map((location) => readCredential(location, request));
        if (values.every((value) => value !== undefined)) return { location: alternative[0]!, value: values[0]! };
      }
      throw missing();
    },
    source(presented, body) {
      const credential = presented ?? (bodyField && bodyCredential(bodyField, body));
      if (!credential) {
        if (anonymous) return undefined;
        throw missing();
      }
      const source = findSource!(credential.value);
      if (!source) throw unauthorized(`The credential in ${describe(credential.location)} is not valid for this API.`);
      return source;
    },
  };
}

function describe(location: CredentialLocation): string {
  switch (location.in) {
    case 'header':
      return `the \`${location.name}\` header`;
    case 'query':
      return `the \`${location.name}\` query parameter`;
    case 'body':
      return `the \`${location.name}\` body field`;
    case 'authorization':
      return `the Authorization header (${location.scheme === 'basic' ? 'Basic' : 'Bearer'})`;
  }
}

function readCredential(location: CredentialLocation, request: FastifyRequest): string | undefined {
  switch (location.in) {
    case 'header':
      return firstValue(request.headers[location.name.toLowerCase()]);
    case 'query':
      return firstValue((request.query as Record<string, unknown> | undefined)?.[location.name]);
    case 'body':
      return undefined; // read once the body is valid, see `source`
    case 'authorization': {
      const authorization = firstValue(request.headers.authorization);
      if (!authorization) return undefined;
      return location.scheme === 'basic' ? basicUsername(authorization) : bearerToken(authorization);
    }
  }
}

function bodyCredential(location: { in: 'body'; name: string }, body: unknown): Credential | undefined {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[location.name] : undefined;
  return typeof value === 'string' && value ? { location, value } : undefined;
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
  const decoded = Buffer.from(match[1]!, 'base64')
    .toString('utf8')
    .replace(/[\r\n]+$/, '');
  return decoded.replace(/:$/, '') || undefined;
}

function bearerToken(header: string): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
}
