/**
 * The generic client: for any registered API, a typed client whose credentials go where the API's
 * spec says, on the operations that ask for them. It needs no code of its own per API: the paths
 * come from the generated types, the security schemes and operations from `apiFacts`, which
 * `@trackspec/types` generates from the same specs (the client cannot read a spec at run time).
 */
import {
  type ApiFacts,
  type ApiName,
  type ApiPaths,
  apiFacts,
  type CredentialLocation,
  chooseAlternative,
  credentialLocationOf,
  type OperationFacts,
  placeCredential,
  type RequestParts,
  type SecuritySchemeFacts,
} from '@trackspec/types';
import type { Middleware } from 'openapi-fetch';
import type { ResponseContractError } from './contract-errors.js';
import { type AnyRequest, withChanges } from './outgoing-request.js';
import { type ClientInternals, type ClientOptions, createTypedClient, type TypedClient } from './typed-client.js';

/** A credential per security scheme name of the spec. */
export type Credentials<Facts extends ApiFacts = ApiFacts> = {
  [Scheme in keyof Facts['securitySchemes'] & string]?: string;
};

/** The `validate` option of `createApiClient` and of the named factories built on it. */
export interface ContractCheckOptions {
  /**
   * Check calls against the spec, with validators compiled at build time (loaded on first use):
   * `requests` throws `RequestContractError` before sending a request the API would refuse;
   * `responses` raises `ResponseContractError` for an answer the spec does not document (or hands
   * it to `onContractBreak`); `both` does both. Off by default. Registered APIs only.
   */
  validate?: 'requests' | 'responses' | 'both';
  /** With `validate: 'responses'` or `'both'`: called with each breaking answer instead of throwing, and the answer returned. */
  onContractBreak?: (error: ResponseContractError) => void;
  /**
   * The validators module, for bundled apps: `import * as validators from '@trackspec/client/validators'`.
   * Without it the client imports `@trackspec/client/validators` at run time by name, which Node
   * resolves; a bundler does not follow that import (so a client without `validate` never carries
   * the validators), and a bundled app that sets `validate` passes the module here.
   */
  validators?: Pick<typeof import('./validators.js'), 'loadContractChecks'>;
}

/**
 * The validators entry, named by a variable: bundlers follow `import()` of a literal (esbuild without
 * code splitting inlines it, 56 kB gzipped of every API's validators), never of an expression.
 */
const validatorsEntry = '@trackspec/client/validators';

async function importValidators(): Promise<Pick<typeof import('./validators.js'), 'loadContractChecks'>> {
  try {
    return await import(/* webpackIgnore: true */ /* @vite-ignore */ validatorsEntry);
  } catch (error) {
    throw new Error(
      `validate: ${validatorsEntry} could not be imported (${(error as Error).message}); in a bundled app, pass it: ` +
        `createApiClient(api, { validate, validators: await import('${validatorsEntry}') })`,
      { cause: error },
    );
  }
}

export interface ApiClientOptions<Facts extends ApiFacts = ApiFacts, ThrowOnError extends boolean = false>
  extends ClientOptions<ThrowOnError>,
    ContractCheckOptions {
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

/** The facts of every API this client was built with, by registry name (generated from the specs), and their shape. */
export { type ApiFacts, type ApiName, type ApiPaths, apiFacts, type OperationFacts, type SecuritySchemeFacts };

/**
 * The credentials one operation gets, as `placeCredential` (the one placement every reader of the
 * specs shares) puts them: headers, query parameters and cookies.
 */
function partsFor(facts: ApiFacts, alternative: readonly string[], credentials: Credentials): RequestParts {
  const parts: RequestParts = { headers: {}, query: {} };
  for (const name of alternative) placeCredential(parts, locationOf(facts, name), credentials[name]!);
  return parts;
}

function locationOf(facts: ApiFacts, name: string): CredentialLocation {
  const scheme = facts.securitySchemes[name];
  const location = scheme && credentialLocationOf(scheme);
  if (!location)
    throw new TypeError(`The client cannot send a credential for security scheme ${name} (${JSON.stringify(scheme)})`);
  return location;
}

/** A request with its operation's credentials: a query parameter the caller set is kept. */
function withParts(request: AnyRequest, parts: RequestParts): AnyRequest {
  for (const [name, value] of Object.entries(parts.headers)) {
    const existing = name === 'cookie' ? request.headers.get('cookie') : null;
    request.headers.set(name, existing ? `${existing}; ${value}` : value);
  }
  const query = Object.entries(parts.query);
  if (query.length === 0) return request;
  const url = new URL(request.url);
  for (const [name, value] of query) if (!url.searchParams.has(name)) url.searchParams.set(name, value);
  return withChanges(request, { url: url.href });
}

/**
 * Middleware that puts the credentials of each request's operation where the spec says (none when
 * no operation gets any): the alternative `chooseAlternative` picks among those whose schemes all
 * have a credential. The plan (which credentials for which operation) is made once, here.
 */
export function specCredentials(facts: ApiFacts, credentials: Credentials = {}): Middleware | undefined {
  const given = Object.keys(credentials).filter((name) => credentials[name] !== undefined);
  for (const name of given) if (facts.securitySchemes[name]) locationOf(facts, name);
  const plans = new Map<string, RequestParts>();
  for (const operation of Object.values(facts.operations)) {
    const chosen = chooseAlternative(
      operation.security,
      (scheme) => given.includes(scheme) && facts.securitySchemes[scheme] !== undefined,
    );
    if (chosen) plans.set(`${operation.method.toUpperCase()} ${operation.path}`, partsFor(facts, chosen, credentials));
  }
  if (plans.size === 0) return undefined;
  return {
    onRequest({ request, schemaPath }) {
      const parts = plans.get(`${request.method} ${schemaPath}`);
      return parts ? (withParts(request as AnyRequest, parts) as Request) : request;
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

/**
 * The `validate` option: the API's validators are imported on first use (a separate module, so a
 * client without `validate` carries none of them), then each request and answer is checked.
 */
function contractMiddleware(
  api: string,
  mode: NonNullable<ContractCheckOptions['validate']>,
  { onContractBreak, validators }: ContractCheckOptions,
): Middleware {
  let loading: ReturnType<typeof import('./validators.js').loadContractChecks> | undefined;
  const checks = () =>
    (loading ??= (validators ? Promise.resolve(validators) : importValidators()).then((module) =>
      module.loadContractChecks(api),
    ));
  return {
    async onRequest({ request, schemaPath, params }) {
      // Loaded before the request goes out, in every mode: a first load (an API's validators, slow on
      // a busy machine) must not run inside the attempt's timeout, which also bounds reading the answer.
      const loaded = await checks();
      if (mode !== 'responses') await loaded.checkRequest(request, schemaPath, params.path ?? {});
      return undefined;
    },
    async onResponse({ request, response, schemaPath }) {
      if (mode === 'requests') return undefined;
      const error = await (await checks()).checkResponse(request, response, schemaPath);
      if (error && onContractBreak) onContractBreak(error);
      else if (error) throw error;
      return undefined;
    },
  };
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
  // The named factories pass a registered API's facts: they have its validators too.
  const registered = Object.keys(apiFacts).find((name) => (apiFacts as Record<string, ApiFacts>)[name] === facts);
  if (options.validate && !registered)
    throw new TypeError('validate needs a registered API: its validators are compiled when the client is built');
  const contract = options.validate && contractMiddleware(registered!, options.validate, options);
  return createTypedClient(options, {
    querySerializer: openApiQueryStyle,
    ...internals,
    // The contract checks come last: they judge the request as sent, credentials and bodies filled in.
    middleware: [
      ...(credentials ? [credentials] : []),
      ...(internals.middleware ?? []),
      ...(contract ? [contract] : []),
    ],
  });
}
