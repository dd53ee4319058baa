export { ApiError, EventRejectedError, type ProblemDetails } from './errors.js';
export { createTransport, isRetriableStatus, retryAfterMs, backoffMs, type FetchFunction, type RetryOptions, type TransportOptions } from './retry.js';
export { createTypedClient, type ApiResult, type ApiSuccess, type ClientOptions, type ErrorBody, type TypedClient } from './typed-client.js';
export type { WithClientFilledBody } from './body-types.js';
export { createM1dasClient, type M1dasClient, type M1dasClientOptions, type M1dasEvent, type M1dasBatchEvent, type M1dasPaths } from './apis/m1das.js';
export { createTtoClient, type TtoClient, type TtoClientOptions, type TtoPaths } from './apis/tto.js';
export { createDitoClient, type DitoClient, type DitoClientOptions, type DitoEvent, type DitoPaths } from './apis/dito.js';
export { createHellotextClient, type HellotextClient, type HellotextClientOptions, type HellotextPaths } from './apis/hellotext.js';
export { createRockstatClient, type RockstatClient, type RockstatPaths } from './apis/rockstat.js';
