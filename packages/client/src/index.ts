export { Analytics, type AnalyticsOptions, createAnalytics, type FlushResult, type QueuedEvent } from './analytics.js';
export {
  type ApiClientOptions,
  type ApiFacts,
  type ApiName,
  type ApiPaths,
  apiFacts,
  type ContractCheckOptions,
  type Credentials,
  createApiClient,
  type OperationFacts,
  type SecuritySchemeFacts,
} from './api-client.js';
export { type AdminClient, type AdminClientOptions, type AdminPaths, createAdminClient } from './apis/admin.js';
export {
  createDitoClient,
  type DitoClient,
  type DitoClientOptions,
  type DitoEvent,
  type DitoPaths,
} from './apis/dito.js';
export {
  createHellotextClient,
  type HellotextClient,
  type HellotextClientOptions,
  type HellotextPaths,
} from './apis/hellotext.js';
export {
  createM1dasClient,
  type M1dasBatchEvent,
  type M1dasClient,
  type M1dasClientOptions,
  type M1dasEvent,
  type M1dasPaths,
} from './apis/m1das.js';
export { createRockstatClient, type RockstatClient, type RockstatPaths } from './apis/rockstat.js';
export { createTtoClient, type TtoClient, type TtoClientOptions, type TtoPaths } from './apis/tto.js';
export type { WithClientFilledBody } from './body-types.js';
// Types only: the classes live in `@trackspec/client/validators`, so that a client without `validate` does not carry them.
export type {
  ContractFinding,
  ContractViolation,
  RequestContractError,
  ResponseContractError,
} from './contract-errors.js';
export { ApiError, EventRejectedError, type ProblemDetails } from './errors.js';
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
