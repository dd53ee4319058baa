import type { OpenApiDocument } from '@trackspec/specs';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { RequestCase } from './cases.js';
import type { Answer } from './send.js';

type Json = Record<string, any>;

/** The documented response for a status: exact code, then `4XX`-style range, then `default`. */
export function documentedResponse(operation: Json, status: number): { key: string; response: Json } | undefined {
  const responses = (operation.responses ?? {}) as Record<string, Json>;
  for (const key of [String(status), `${String(status)[0]}XX`, 'default']) if (responses[key]) return { key, response: responses[key] };
  return undefined;
}

/**
 * Everything wrong with an answer, as messages (empty when it honours the spec): the status must
 * be of the expected class and documented, and the body must match the documented schema for its
 * media type.
 */
export function checkAnswer(_document: OpenApiDocument, request: RequestCase, answer: Answer, ajv: Ajv2020): string[] {
  const problems: string[] = [];
  // A validating proxy's findings: the response must always conform; the request too, unless the case breaks it on purpose.
  for (const violation of answer.violations) {
    if (violation.severity !== 'Error') continue;
    if (violation.location[0] === 'response' || request.expect === '2xx') problems.push(`${violation.location.join('.')}: ${violation.message}`);
  }
  const expectedClass = request.expect === '2xx' ? 2 : 4;
  if (Math.floor(answer.status / 100) !== expectedClass) problems.push(`expected a ${request.expect} answer, got ${answer.status}: ${JSON.stringify(answer.body)?.slice(0, 300)}`);
  const documented = documentedResponse(request.operation.operation, answer.status);
  if (!documented) {
    problems.push(`status ${answer.status} is not documented for ${request.operation.operationId}`);
    return problems;
  }
  const content = documented.response.content as Record<string, Json> | undefined;
  if (!content) return problems;
  const media = content[answer.mediaType];
  if (!media) {
    problems.push(`${answer.status} answered ${answer.mediaType || 'no media type'}; documented: ${Object.keys(content).join(', ')}`);
    return problems;
  }
  if (media.schema) {
    const validate = ajv.compile(media.schema);
    if (!validate(answer.body)) problems.push(`${answer.status} body does not match its schema: ${ajv.errorsText(validate.errors)} — ${JSON.stringify(answer.body)?.slice(0, 300)}`);
  }
  return problems;
}
