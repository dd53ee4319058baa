/**
 * A typed client for any trackspec API: openapi-fetch underneath (paths, parameters and bodies
 * type-checked against the generated `paths`), plus retries/timeouts (see ./retry.ts), an
 * `ApiError` for every non-2xx answer, and either result objects or (opt-in) throwing.
 */
import createOpenApiFetchClient, {
  type BodySerializer,
  type Client,
  type FetchResponse,
  type HeadersOptions,
  type MaybeOptionalInit,
  type Middleware,
  type QuerySerializerOptions,
} from 'openapi-fetch';
import type {
  ErrorResponse,
  HttpMethod,
  MediaType,
  PathsWithMethod,
  Readable,
  RequiredKeysOf,
  ResponseObjectMap,
} from 'openapi-typescript-helpers';
import { bearerCredential } from './credentials.js';
import { ApiError } from './errors.js';
import { OutgoingRequest } from './outgoing-request.js';
import { createTransport, releaseResponse, type TransportOptions } from './retry.js';

export interface ClientOptions<ThrowOnError extends boolean = false> extends TransportOptions {
  baseUrl: string;
  /** Headers sent with every request. */
  headers?: HeadersOptions;
  /** Throw `ApiError` for non-2xx answers instead of returning `{ error }`. */
  throwOnError?: ThrowOnError;
  /** Extra openapi-fetch middleware (after the API's own credentials middleware). */
  middleware?: Middleware[];
}

/** Options a per-API factory adds to build its client. */
export interface ClientInternals {
  middleware?: Middleware[];
  bodySerializer?: BodySerializer<unknown>;
  querySerializer?: QuerySerializerOptions;
  headers?: HeadersOptions;
}

/** An operation of the generated `paths`, constrained as openapi-fetch constrains it (its types expect `any` members). */
// biome-ignore lint/suspicious/noExplicitAny: openapi-fetch's own constraint; `unknown` members break its inference
type OperationObject = Record<string | number, any>;

// openapi-fetch's own rule for whether `init` may be omitted (not exported by it).
type InitParam<Init> =
  RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];

type Data<Operation extends OperationObject, Init> = Exclude<
  FetchResponse<Operation, Init, MediaType>['data'],
  undefined
>;
export type ErrorBody<Operation extends OperationObject> = Readable<
  ErrorResponse<ResponseObjectMap<Operation>, MediaType>
>;

/** What a call resolves to in result mode: exactly one of `data` and `error`. */
export type ApiResult<Operation extends OperationObject, Init = unknown> =
  | { data: Data<Operation, Init>; error?: undefined; response: Response }
  | { data?: undefined; error: ApiError<ErrorBody<Operation>>; response: Response };

/** What a call resolves to in throwing mode (a non-2xx answer rejects with `ApiError`). */
export interface ApiSuccess<Operation extends OperationObject, Init = unknown> {
  data: Data<Operation, Init>;
  response: Response;
}

type Operation<Paths, Path extends keyof Paths, M extends HttpMethod> = Paths[Path][M & keyof Paths[Path]] &
  OperationObject;

type Method<Paths extends {}, M extends HttpMethod, ThrowOnError extends boolean> = <
  Path extends PathsWithMethod<Paths, M>,
  Init extends MaybeOptionalInit<Paths[Path], M & keyof Paths[Path]>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<
  ThrowOnError extends true ? ApiSuccess<Operation<Paths, Path, M>, Init> : ApiResult<Operation<Paths, Path, M>, Init>
>;

export interface TypedClient<Paths extends {}, ThrowOnError extends boolean = false> {
  GET: Method<Paths, 'get', ThrowOnError>;
  POST: Method<Paths, 'post', ThrowOnError>;
  PUT: Method<Paths, 'put', ThrowOnError>;
  PATCH: Method<Paths, 'patch', ThrowOnError>;
  DELETE: Method<Paths, 'delete', ThrowOnError>;
  HEAD: Method<Paths, 'head', ThrowOnError>;
  OPTIONS: Method<Paths, 'options', ThrowOnError>;
  /** The underlying openapi-fetch client (same transport and credentials), for anything else. */
  raw: Client<Paths>;
}

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export function createTypedClient<Paths extends {}, ThrowOnError extends boolean = false>(
  options: ClientOptions<ThrowOnError>,
  internals: ClientInternals = {},
): TypedClient<Paths, ThrowOnError> {
  const raw = createOpenApiFetchClient<Paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: createTransport(options) as (input: Request) => Promise<Response>,
    // The lighter request (see ./outgoing-request.ts), unless caller middleware expects real ones.
    ...(options.middleware?.length ? {} : { Request: OutgoingRequest as unknown as typeof Request }),
    headers: { ...(internals.headers as object), ...(options.headers as object) },
    ...(internals.bodySerializer ? { bodySerializer: internals.bodySerializer } : {}),
    ...(internals.querySerializer ? { querySerializer: internals.querySerializer } : {}),
  });
  raw.use(...(internals.middleware ?? []), ...(options.middleware ?? []));

  const call = async (method: (typeof methods)[number], url: string, init?: object) => {
    const { data, error, response } = await (
      raw.request as (
        method: string,
        url: string,
        init?: object,
      ) => Promise<{ data?: unknown; error?: unknown; response: Response }>
    )(method.toLowerCase(), url, init);
    // openapi-fetch has read the body: the attempt's timeout can go.
    releaseResponse(response);
    if (response.ok) return { data, response };
    const apiError = new ApiError(response, error);
    if (options.throwOnError) throw apiError;
    return { error: apiError, response };
  };
  const client = { raw } as Record<string, unknown>;
  for (const method of methods) client[method] = (url: string, init?: object) => call(method, url, init);
  return client as unknown as TypedClient<Paths, ThrowOnError>;
}

export interface BearerClientOptions<ThrowOnError extends boolean = false> extends ClientOptions<ThrowOnError> {
  /** The token sent as `Authorization: Bearer <token>`. */
  token: string;
}

/** A typed client for an API whose spec declares an HTTP bearer scheme. */
export function createBearerClient<Paths extends {}, ThrowOnError extends boolean = false>(
  options: BearerClientOptions<ThrowOnError>,
): TypedClient<Paths, ThrowOnError> {
  return createTypedClient<Paths, ThrowOnError>(options, { middleware: [bearerCredential(options.token)] });
}
