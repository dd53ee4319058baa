/**
 * Requests that break a spec, derived from the requests that fit it (`schemaBreaks`): the one
 * derivation the contract suite, the client's request checks and the server's precompiled checks
 * are tested with. No Node built-in: Ajv only, as `createAjv` sets it up.
 */
export { type BreakKind, breakKinds } from './breaking/break-kinds.js';
export { type BodyBreak, type BreakOptions, defaultBreakLimit, schemaBreaks } from './breaking/schema-breaks.js';
export { fitsSchema } from './breaking/schema-fit.js';
