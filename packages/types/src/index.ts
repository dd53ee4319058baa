// One namespace per registered API (`m1das`, `tto`, ...), each with openapi-typescript's
// `paths`, `components`, `operations` (and `webhooks`), and `ApiPaths` (each API's `paths` by
// registry name). Import one API directly with `@trackspec/types/<api>`.

// The one run-time export: what code that cannot read the bundles needs from each spec (the client).
export { type ApiName, apiFacts } from './generated/facts.js';
export type * from './generated/index.js';
