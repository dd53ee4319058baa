/**
 * The checks of requests and answers against a spec without compiling anything at run time: the
 * verdicts of `compileRequestVerdict` and `responseFindings` over schemas compiled elsewhere (the
 * client's Ajv standalone validators). No Node built-in and no Ajv, like credentials.ts.
 */

export type { SpecObject } from './json.js';
export { isJsonMediaType, mediaTypeOf } from './json.js';
export { compileQueryReader, type PointedError, pointedErrors } from './request-reading.js';
export {
  type BodyCheck,
  compileRequestVerdict,
  type RequestChecks,
  type RequestInput,
  type RequestVerdict,
  type SchemaCheck,
  type VerdictOperation,
  type Violation,
  violationsOf,
} from './request-verdict.js';
export {
  documentedResponse,
  type ResponseFinding,
  responseFindings,
  responseProblems,
  type SchemaCompiler,
} from './responses.js';
