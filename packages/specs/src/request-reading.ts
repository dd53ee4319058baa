/**
 * Reading and checking a request as its operation's spec declares it, shared by the server (which
 * receives requests) and the contract suite's `verify-pact` (which reads them from pact files): the
 * query as the operation declares it, the credential a request presents in a place, the schema of
 * one location's parameters, and Ajv errors as JSON pointers. No Node built-in, like credentials.ts.
 */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { CredentialLocation } from './credentials.js';
import type { JsonObject, SpecObject } from './json.js';

/**
 * The query as the operation declares it: declared parameters by name (the last of repeated values),
 * and, where a free-form `style: form, explode: true` object parameter exists, every undeclared one
 * collected under it.
 */
export function compileQueryReader(parameters: readonly SpecObject[]): (raw: Record<string, unknown>) => JsonObject {
  const freeForm = parameters.find(
    (parameter) =>
      parameter.in === 'query' &&
      parameter.schema?.type === 'object' &&
      (parameter.style ?? 'form') === 'form' &&
      parameter.explode !== false,
  );
  const declared = new Set(
    parameters.filter((parameter) => parameter.in === 'query' && parameter !== freeForm).map(({ name }) => name),
  );
  return (raw) => {
    const query: JsonObject = {};
    const undeclared: JsonObject = {};
    for (const [name, value] of Object.entries(raw)) {
      const single = Array.isArray(value) ? value.at(-1) : value;
      if (declared.has(name) || !freeForm) query[name] = single;
      else undeclared[name] = single;
    }
    if (freeForm && Object.keys(undeclared).length) query[freeForm.name] = undeclared;
    return query;
  };
}

/**
 * One location's parameters as one object schema (header names in lower case, as they arrive),
 * validated with type coercion since parameters arrive as text.
 */
export function parametersSchema(location: 'path' | 'query' | 'header', parameters: readonly SpecObject[]): SpecObject {
  const declared = parameters.filter((parameter) => parameter.in === location);
  const nameOf = (parameter: SpecObject) =>
    location === 'header' ? String(parameter.name).toLowerCase() : String(parameter.name);
  return {
    type: 'object',
    properties: Object.fromEntries(declared.map((parameter) => [nameOf(parameter), parameter.schema ?? {}])),
    required: declared.filter((parameter) => parameter.required).map(nameOf),
  };
}

/** One schema failure: where (JSON pointer, `required` pointing at the missing member), which keyword, and why. */
export interface PointedError {
  pointer: string;
  keyword: string;
  detail: string;
}

/** Ajv errors as pointed errors, without the `if`/`anyOf`/`oneOf` wrappers that repeat their inner errors. */
export function pointedErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ''): PointedError[] {
  const seen = new Set<string>();
  const result: PointedError[] = [];
  for (const error of errors ?? []) {
    if (['if', 'anyOf', 'oneOf'].includes(error.keyword) && (errors?.length ?? 0) > 1) continue;
    const missing =
      error.keyword === 'required'
        ? `/${String(error.params.missingProperty).replaceAll('~', '~0').replaceAll('/', '~1')}`
        : '';
    const pointer = prefix + error.instancePath + missing;
    const detail =
      error.keyword === 'required'
        ? 'is required'
        : `${error.message ?? 'is invalid'}${error.keyword === 'enum' ? `: ${(error.params.allowedValues as unknown[]).join(', ')}` : ''}`;
    const key = `${pointer} ${detail}`;
    if (!seen.has(key)) result.push({ pointer, keyword: error.keyword, detail });
    seen.add(key);
  }
  return result;
}

/** A request's headers (lower-case names) and raw query, as far as credentials are concerned. */
export interface PresentedParts {
  headers: Record<string, unknown>;
  query: Record<string, unknown>;
}

/**
 * The credential a request presents in one place (undefined when there is none; body fields are
 * read from the body, once it is valid). HTTP Basic yields the key: see `basicUsername`.
 */
export function presentedCredential(location: CredentialLocation, request: PresentedParts): string | undefined {
  switch (location.in) {
    case 'header':
      return firstValue(request.headers[location.name.toLowerCase()]);
    case 'query':
      return firstValue(request.query[location.name]);
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

/** A credential's place in words, for messages (never its value). */
export function describeLocation(location: CredentialLocation): string {
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
 * `key:` (the vendor's own example), no final colon at all, URL-safe base64 and missing padding.
 */
function basicUsername(header: string): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!match) return undefined;
  const decoded = decodeBase64(match[1]!)?.replace(/[\r\n]+$/, '');
  return decoded?.replace(/:$/, '') || undefined;
}

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
