export { deriveCases, requiresCredentials, schemaExample, securityAlternatives, type CaseKind, type RequestCase } from './cases.js';
export { checkAnswer } from './check.js';
export { documentedResponse } from '@trackspec/specs';
export { clientFor } from './clients.js';
export { Coverage } from './coverage.js';
export { sendRaw, sendWithClient, type Answer } from './send.js';
export { mockCredentials, targetFromEnv, type Target } from './target.js';
