// One namespace per registered API (`m1das`, `tto`, ...), each with openapi-typescript's
// `paths`, `components`, `operations` (and `webhooks`). Import one API directly with
// `@trackspec/types/<api>`.
export type * from './generated/index.js';
