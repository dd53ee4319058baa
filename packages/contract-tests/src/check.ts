import { responseProblems } from '@trackspec/specs';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { RequestCase } from './cases.js';
import type { Answer } from './send.js';

/**
 * Everything wrong with an answer, as messages (empty when it honours the spec; the caller adds
 * the request and the start of the answer's body, see run.ts `checkCase`): the status must
 * be the exact one the case calls for (else of the expected class) and documented, and the body must
 * match the documented schema for its media type.
 */
export function checkAnswer(request: RequestCase, answer: Answer, ajv: Ajv2020): string[] {
  const problems: string[] = [];
  // A validating proxy's findings: the response must always conform; the request too, unless the case breaks it on purpose.
  for (const violation of answer.violations) {
    if (violation.severity !== 'Error') continue;
    if (violation.location[0] === 'response' || request.expect === '2xx')
      problems.push(`${violation.location.join('.')}: ${violation.message}`);
  }
  const expectedClass = Number(request.expect[0]);
  if (request.status !== undefined && answer.status !== request.status)
    problems.push(`expected ${request.status} (${request.kind}), got ${answer.status}`);
  else if (Math.floor(answer.status / 100) !== expectedClass)
    problems.push(`expected a ${request.expect} answer, got ${answer.status}`);
  if (request.kind === 'unsupported-method') problems.push(...methodNotAllowedProblems(request, answer));
  else problems.push(...responseProblems(request.operation.operation, answer, ajv));
  return problems;
}

/**
 * A method the path does not serve is no operation, so no spec documents its answer: HTTP does
 * (RFC 9110 §15.5.6), a 405 whose `Allow` names the path's methods, here as a problem (RFC 9457).
 */
function methodNotAllowedProblems(request: RequestCase, answer: Answer): string[] {
  const problems: string[] = [];
  const allowed = (answer.headers.allow ?? '').split(',').map((method) => method.trim().toUpperCase());
  for (const method of request.allow ?? [])
    if (!allowed.includes(method)) problems.push(`Allow: ${answer.headers.allow ?? '(absent)'} lacks ${method}`);
  if (allowed.includes(String(request.method).toUpperCase()))
    problems.push(`Allow: ${answer.headers.allow} names ${request.method}, the method refused`);
  if (answer.mediaType !== 'application/problem+json')
    problems.push(`405 answered ${answer.mediaType || 'no media type'}; expected application/problem+json`);
  else if ((answer.body as { status?: unknown } | undefined)?.status !== 405)
    problems.push(`405 problem's status is ${JSON.stringify((answer.body as { status?: unknown })?.status)}`);
  return problems;
}
