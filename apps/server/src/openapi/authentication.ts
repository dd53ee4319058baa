/**
 * Who sent a request: the one place that decides. The operation's spec says where credentials
 * travel — a header, the query, a cookie, HTTP Basic or Bearer (its `security`), or a body field
 * (`x-body-credential`) — and a credential found there resolves to a source through the same
 * lookup, whatever its place. Where the spec also asks for a signature made with the source's
 * secret (`x-body-signatures`), it is checked here too. Every refusal is the same 401 problem,
 * which names the places, never a presented secret.
 */
import {
  admitsAnonymous,
  type BodySignature,
  type CredentialLocation,
  describeLocation as describe,
  isVerifiableSignature,
  type OperationRef,
  presentedCredential,
  signatureOf,
} from '@trackspec/specs';
import type { FastifyRequest } from 'fastify';
import type { SourceConfig } from '../config.js';
import { unauthorized } from '../problems.js';
import { secretsEqual } from '../sources.js';

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
   * body's, once the body's signatures (if the spec asks for any) are checked; undefined only where
   * the spec admits anonymous requests (`admitsAnonymous`).
   */
  source(presented: Credential | undefined, body: unknown): Promise<SourceConfig | undefined>;
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
  const anonymous = admitsAnonymous(operation);
  const checkSignatures = compileSignatureCheck(operation.requestBody?.signatures ?? []);
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
    async source(presented, body) {
      const credential = presented ?? (bodyField && bodyCredential(bodyField, body));
      if (!credential) {
        if (anonymous) return undefined;
        throw missing();
      }
      const source = findSource!(credential.value);
      if (!source) throw unauthorized(`The credential in ${describe(credential.location)} is not valid for this API.`);
      await checkSignatures(source, body);
      return source;
    },
  };
}

/**
 * The check of a body's signatures: at least one the server can verify with the source's secret
 * must be present, and every such one present must match. Signatures it cannot verify (Dito's RSA
 * `signature`) are ignored, and a request that carries only those is refused, naming the ones it
 * checks.
 */
function compileSignatureCheck(
  signatures: readonly BodySignature[],
): (source: SourceConfig, body: unknown) => Promise<void> {
  if (signatures.length === 0) return async () => {};
  const verifiable = signatures.filter(({ algorithm }) => isVerifiableSignature(algorithm));
  if (verifiable.length === 0)
    throw new Error(
      `No signature algorithm of ${signatures.map(({ name, algorithm }) => `${name} (${algorithm})`).join(', ')} can be verified`,
    );
  const unverifiable = signatures.filter((signature) => !verifiable.includes(signature));
  const checked = verifiable.map(({ name, algorithm }) => `\`${name}\` (${algorithm} of the secret)`).join(' or ');
  return async (source, body) => {
    const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const present = verifiable.filter(({ name }) => typeof fields[name] === 'string');
    if (present.length === 0)
      throw unauthorized(
        `This server verifies ${checked}` +
          (unverifiable.length
            ? `; ${unverifiable.map(({ name }) => `\`${name}\``).join(', ')} is not supported.`
            : '.'),
      );
    for (const { name, algorithm } of present) {
      const expected = source.secret ? await signatureOf(algorithm, source.secret) : undefined;
      if (!expected || !secretsEqual(String(fields[name]).toLowerCase(), expected))
        throw unauthorized(`The \`${name}\` is not valid for this API key.`);
    }
  };
}

function readCredential(location: CredentialLocation, request: FastifyRequest): string | undefined {
  return presentedCredential(location, {
    headers: request.headers,
    query: (request.query ?? {}) as Record<string, unknown>,
  });
}

function bodyCredential(location: { in: 'body'; name: string }, body: unknown): Credential | undefined {
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[location.name] : undefined;
  return typeof value === 'string' && value ? { location, value } : undefined;
}
