export { mockCredentials } from '@trackspec/mocks';
export { documentedResponse } from '@trackspec/specs';
export {
  type BodyBreak,
  type BreakKind,
  type BreakOptions,
  breakKinds,
  defaultBreakLimit,
  schemaBreaks,
} from '@trackspec/specs/breaking';
export { type CaseKind, deriveCases, type RequestCase } from './cases.js';
export { checkAnswer } from './check.js';
export { clientFor } from './clients.js';
export { Coverage } from './coverage.js';
export { toJUnit } from './junit.js';
export {
  type Pact,
  type PactBody,
  PactFileError,
  type PactInteraction,
  parsePact,
  readPactFile,
} from './pact/pact-file.js';
export { type Finding, formatFinding, type InteractionVerdict, verifyInteraction } from './pact/verify.js';
export { apiOfProvider, type PactFileResult, verifyPactFile } from './pact/verify-pacts.js';
export {
  type CaseResult,
  caseName,
  casesFor,
  checkCase,
  coverageRows,
  duringStoreFault,
  runSuite,
  type SuiteResult,
  sendCase,
} from './run.js';
export { type Answer, headersOf, sendRaw, sendWithClient } from './send.js';
export {
  appliesTo,
  readTargetFile,
  type Target,
  TargetFileError,
  targetFromEnv,
  whyLeftOut,
} from './target.js';
