import { responseProblems } from '@trackspec/specs';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { RequestCase } from './cases.js';
import type { Answer } from './send.js';

/**
 * Everything wrong with an answer, as messages (empty when it honours the spec): the status must
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
  const expectedClass = request.expect === '2xx' ? 2 : 4;
  if (request.status !== undefined && answer.status !== request.status)
    problems.push(
      `expected ${request.status} (${request.kind}), got ${answer.status}: ${JSON.stringify(answer.body)?.slice(0, 300)}`,
    );
  else if (Math.floor(answer.status / 100) !== expectedClass)
    problems.push(
      `expected a ${request.expect} answer, got ${answer.status}: ${JSON.stringify(answer.body)?.slice(0, 300)}`,
    );
  problems.push(...responseProblems(request.operation.operation, answer, ajv));
  return problems;
}
