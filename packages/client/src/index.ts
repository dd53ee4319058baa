export { Analytics, type AnalyticsOptions, createAnalytics, type FlushResult, type QueuedEvent } from './analytics.js';
export {
  type ApiClientOptions,
  type ApiFacts,
  type ApiName,
  type ApiPaths,
  apiFacts,
  type Credentials,
  createApiClient,
  type OperationFacts,
  type SecuritySchemeFacts,
} from './api-client.js';
export {
  createDitoClient,
  type DitoClient,
  type DitoClientOptions,
  type DitoEvent,
  type DitoPaths,
} from './apis/dito.js';
export {
  createM1dasClient,
  type M1dasBatchEvent,
  type M1dasClient,
  type M1dasClientOptions,
  type M1dasEvent,
  type M1dasPaths,
} from './apis/m1das.js';
export { createTtoClient, type TtoClient, type TtoClientOptions, type TtoPaths } from './apis/tto.js';
export type { WithClientFilledBody } from './body-types.js';
export { ApiError, EventRejectedError, type ProblemDetails } from './errors.js';
export {
  type AdminClient,
  type AdminClientOptions,
  type AdminPaths,
  createAdminClient,
  createHellotextClient,
  createRockstatClient,
  type HellotextClient,
  type HellotextClientOptions,
  type HellotextPaths,
  type RockstatClient,
  type RockstatPaths,
} from './named-clients.js';
export {
  backoffMs,
  createTransport,
  type FetchFunction,
  isRetriableStatus,
  type RetryOptions,
  retryAfterMs,
  type Transport,
  type TransportOptions,
} from './retry.js';
export {
  type ApiResult,
  type ApiSuccess,
  type BearerClientOptions,
  type ClientOptions,
  createBearerClient,
  createTypedClient,
  type ErrorBody,
  type TypedClient,
} from './typed-client.js';
