export { documentedResponse } from '@trackspec/specs';
export { type CaseKind, deriveCases, type RequestCase } from './cases.js';
export { checkAnswer } from './check.js';
export { clientFor } from './clients.js';
export { Coverage } from './coverage.js';
export { type Answer, sendRaw, sendWithClient } from './send.js';
export { mockCredentials, type Target, targetFromEnv } from './target.js';
