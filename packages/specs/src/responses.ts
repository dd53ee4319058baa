/** Checking an HTTP answer against the operation that documents it (status, media type, body schema). */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { SpecObject } from './json.js';

/** The documented response for a status: exact code, then `4XX`-style range, then `default`. */
export function documentedResponse(
  operation: SpecObject,
  status: number,
): { key: string; response: SpecObject } | undefined {
  const responses = (operation.responses ?? {}) as Record<string, SpecObject>;
  for (const key of [String(status), `${String(status)[0]}XX`, 'default'])
    if (responses[key]) return { key, response: responses[key] };
  return undefined;
}

/** Everything about an answer that its operation does not document, as messages (empty when it conforms). */
export function responseProblems(
  operation: SpecObject,
  answer: { status: number; mediaType: string; body: unknown },
  ajv: Ajv2020,
): string[] {
  const documented = documentedResponse(operation, answer.status);
  if (!documented) return [`status ${answer.status} is not documented for ${String(operation.operationId)}`];
  const content = documented.response.content as Record<string, SpecObject> | undefined;
  if (!content) return [];
  const media = content[answer.mediaType];
  if (!media)
    return [
      `${answer.status} answered ${answer.mediaType || 'no media type'}; documented: ${Object.keys(content).join(', ')}`,
    ];
  if (!media.schema) return [];
  const validate = ajv.compile(media.schema);
  return validate(answer.body)
    ? []
    : [
        `${answer.status} body does not match its schema: ${ajv.errorsText(validate.errors)} — ${JSON.stringify(answer.body)?.slice(0, 300)}`,
      ];
}
