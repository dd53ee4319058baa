// One namespace per registered API (`m1das`, `tto`, ...), each with openapi-typescript's
// `paths`, `components`, `operations` (and `webhooks`), and `ApiPaths` (each API's `paths` by
// registry name). Import one API directly with `@trackspec/types/<api>`.

// The run-time exports: what code that cannot read the bundles needs from each spec (the client),
// and the one credential model every reader of the specs shares (browser-safe, from the specs package).
export type { ApiFacts, OperationFacts, SecuritySchemeFacts } from '@trackspec/specs';
export {
  type CredentialLocation,
  chooseAlternative,
  credentialLocationOf,
  placeCredential,
  type RequestParts,
  signatureOf,
} from '@trackspec/specs/credentials';
export { type ApiName, apiFacts } from './generated/facts.js';
export type * from './generated/index.js';
