/**
 * The generic client: for any registered API, a typed client whose credentials go where the API's
 * spec says, on the operations that ask for them. It needs no code of its own per API: the paths
 * come from the generated types, the security schemes and operations from `apiFacts`, which
 * `@trackspec/types` generates from the same specs (the client cannot read a spec at run time).
 */
import { type ApiName, type ApiPaths, apiFacts } from '@trackspec/types';
import type { Middleware } from 'openapi-fetch';
import { base64 } from './credentials.js';
import { type AnyRequest, withChanges } from './outgoing-request.js';
import { type ClientInternals, type ClientOptions, createTypedClient, type TypedClient } from './typed-client.js';

/** Where a security scheme puts its credential (an entry of `apiFacts[api].securitySchemes`). */
export type SecuritySchemeFacts =
  | { readonly type: 'apiKey'; readonly in: 'header' | 'query' | 'cookie'; readonly name: string }
  | { readonly type: 'http'; readonly scheme: string }
  | { readonly type: 'oauth2' | 'openIdConnect' | 'mutualTLS' };

/** One operation of a spec (an entry of `apiFacts[api].operations`, by operationId). */
export interface OperationFacts {
  readonly method: string;
  readonly path: string;
  /** Security alternatives, each the schemes that must all be sent; none: no credentials; an empty one: optional. */
  readonly security: readonly (readonly string[])[];
  /** `x-max-body-bytes` of the request body. */
  readonly maxBodyBytes?: number;
  /** `x-max-event-bytes` of the request body (the largest event inside a batch). */
  readonly maxEventBytes?: number;
}

/** What the client knows of one API's spec: the shape of each entry of `apiFacts`. */
export interface ApiFacts {
  readonly securitySchemes: { readonly [scheme: string]: SecuritySchemeFacts };
  readonly operations: { readonly [operationId: string]: OperationFacts };
}

/** A credential per security scheme name of the spec. */
export type Credentials<Facts extends ApiFacts = ApiFacts> = {
  [Scheme in keyof Facts['securitySchemes'] & string]?: string;
};

export interface ApiClientOptions<Facts extends ApiFacts = ApiFacts, ThrowOnError extends boolean = false>
  extends ClientOptions<ThrowOnError> {
  /**
   * Credentials by the spec's security scheme name, each sent where its scheme says: an `apiKey`
   * in its header, query parameter or cookie (the `Cookie` header: Node only, browsers send their
   * own); `http` `basic` as `Authorization: Basic` of the value, given as `user-id:password`;
   * `http` `bearer`, `oauth2` and `openIdConnect` as `Authorization: Bearer <value>`. Each
   * operation gets the first of its security alternatives whose schemes all have a credential
   * here (none, when no alternative does: the API then answers 401).
   */
  credentials?: Credentials<Facts>;
}

/** The facts of every API this client was built with, by registry name (generated from the specs). */
export { type ApiName, type ApiPaths, apiFacts };

type Placement = (request: AnyRequest) => AnyRequest;

function placement(name: string, scheme: SecuritySchemeFacts, value: string): Placement {
  const setHeader = (header: string, headerValue: string) => (request: AnyRequest) => {
    request.headers.set(header, headerValue);
    return request;
  };
  if (scheme.type === 'apiKey' && scheme.in === 'header') return setHeader(scheme.name, value);
  if (scheme.type === 'apiKey' && scheme.in === 'query') {
    return (request) => {
      const url = new URL(request.url);
      if (url.searchParams.has(scheme.name)) return request;
      url.searchParams.set(scheme.name, value);
      return withChanges(request, { url: url.href });
    };
  }
  if (scheme.type === 'apiKey' && scheme.in === 'cookie') {
    const cookie = `${scheme.name}=${value}`;
    return (request) => {
      const existing = request.headers.get('cookie');
      request.headers.set('cookie', existing ? `${existing}; ${cookie}` : cookie);
      return request;
    };
  }
  if (scheme.type === 'http' && scheme.scheme === 'basic') return setHeader('Authorization', `Basic ${base64(value)}`);
  if (
    (scheme.type === 'http' && scheme.scheme === 'bearer') ||
    scheme.type === 'oauth2' ||
    scheme.type === 'openIdConnect'
  )
    return setHeader('Authorization', `Bearer ${value}`);
  throw new TypeError(`The client cannot send a credential for security scheme ${name} (${JSON.stringify(scheme)})`);
}

/**
 * Middleware that puts the credentials of each request's operation where the spec says (none when
 * no operation gets any). The plan (which placements for which operation) is made once, here.
 */
export function specCredentials(facts: ApiFacts, credentials: Credentials = {}): Middleware | undefined {
  const placements = new Map<string, Placement>();
  for (const [name, value] of Object.entries(credentials)) {
    const scheme = facts.securitySchemes[name];
    if (scheme && value !== undefined) placements.set(name, placement(name, scheme, value));
  }
  const plans = new Map<string, Placement[]>();
  for (const operation of Object.values(facts.operations)) {
    const chosen = operation.security.find(
      (alternative) => alternative.length > 0 && alternative.every((scheme) => placements.has(scheme)),
    );
    if (chosen)
      plans.set(
        `${operation.method.toUpperCase()} ${operation.path}`,
        chosen.map((scheme) => placements.get(scheme)!),
      );
  }
  if (plans.size === 0) return undefined;
  return {
    onRequest({ request, schemaPath }) {
      const plan = plans.get(`${request.method} ${schemaPath}`);
      if (!plan) return request;
      let placed = request as AnyRequest;
      for (const place of plan) placed = place(placed);
      return placed as Request;
    },
  };
}

/** The name of the API's first security scheme that `matches`, for factories that take one credential option. */
export function schemeWhere(facts: ApiFacts, matches: (scheme: SecuritySchemeFacts) => boolean): string {
  const found = Object.entries(facts.securitySchemes).find(([, scheme]) => matches(scheme));
  if (!found) throw new Error('The spec declares no such security scheme');
  return found[0];
}

/** The name of the API's HTTP bearer scheme: where a named client's `token` option goes. */
export function bearerSchemeOf(facts: ApiFacts): string {
  return schemeWhere(facts, (scheme) => scheme.type === 'http' && scheme.scheme === 'bearer');
}

// openapi-fetch serialises object query parameters as deepObject by default; OpenAPI's default for
// a query parameter is `style: form, explode: true` (each property its own `key=value`).
const openApiQueryStyle = { object: { style: 'form', explode: true } } as const;

/**
 * A typed client for a registered API, by registry name: `createApiClient('hellotext', { baseUrl,
 * credentials: { bearerToken: 'ALK_...' } })`. Paths, bodies and credential names are checked
 * against the API's spec.
 */
export function createApiClient<Name extends ApiName, ThrowOnError extends boolean = false>(
  api: Name,
  options: ApiClientOptions<(typeof apiFacts)[Name], ThrowOnError>,
  internals?: ClientInternals,
): TypedClient<ApiPaths[Name], ThrowOnError>;
/**
 * A typed client from facts generated for another registry (an API this build of the client does
 * not know): `createApiClient<paths, typeof facts>(facts, { baseUrl, credentials })`.
 */
export function createApiClient<
  Paths extends {},
  Facts extends ApiFacts = ApiFacts,
  ThrowOnError extends boolean = false,
>(
  facts: Facts,
  options: ApiClientOptions<Facts, ThrowOnError>,
  internals?: ClientInternals,
): TypedClient<Paths, ThrowOnError>;
export function createApiClient(
  api: string | ApiFacts,
  options: ApiClientOptions<ApiFacts, boolean>,
  internals: ClientInternals = {},
): TypedClient<object, boolean> {
  const facts: ApiFacts | undefined = typeof api === 'string' ? (apiFacts as Record<string, ApiFacts>)[api] : api;
  if (!facts)
    throw new TypeError(`Unknown API "${String(api)}"; this client knows: ${Object.keys(apiFacts).join(', ')}`);
  const credentials = specCredentials(facts, options.credentials);
  return createTypedClient(options, {
    querySerializer: openApiQueryStyle,
    ...internals,
    middleware: [...(credentials ? [credentials] : []), ...(internals.middleware ?? [])],
  });
}
