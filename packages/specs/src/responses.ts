/** Checking an HTTP answer against the operation that documents it (status, media type, headers, body schema). */
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

/** A header's text as the JSON value its schema describes (headers are strings on the wire). */
function headerValue(text: string, schema: SpecObject | undefined): unknown {
  const types = [schema?.type ?? 'string'].flat();
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?$/.test(text.trim()))
    return Number(text);
  if (types.includes('boolean') && /^(true|false)$/.test(text.trim())) return text.trim() === 'true';
  return text;
}

/**
 * The documented headers of a response that an answer breaks: a `required` one missing, or one
 * whose value does not fit its schema. `headers` holds lower-case names.
 */
function headerProblems(
  status: number,
  declared: Record<string, SpecObject>,
  headers: Record<string, string>,
  ajv: Ajv2020,
): string[] {
  const problems: string[] = [];
  for (const [name, header] of Object.entries(declared)) {
    // Content-Type is described by `content`, never as a header (OpenAPI 3.1 §4.8.21.1).
    if (name.toLowerCase() === 'content-type') continue;
    const text = headers[name.toLowerCase()];
    if (text === undefined) {
      if (header.required) problems.push(`${status} answer lacks the documented header ${name}`);
      continue;
    }
    if (!header.schema) continue;
    const validate = ajv.compile(header.schema);
    if (!validate(headerValue(text, header.schema)))
      problems.push(
        `${status} header ${name}: ${JSON.stringify(text)} ${ajv.errorsText(validate.errors, { dataVar: '' })}`,
      );
  }
  return problems;
}

/**
 * Everything about an answer that its operation does not document, as messages (empty when it
 * conforms). Headers are checked when the answer carries them (lower-case names).
 */
export function responseProblems(
  operation: SpecObject,
  answer: { status: number; mediaType: string; body: unknown; headers?: Record<string, string> },
  ajv: Ajv2020,
): string[] {
  const documented = documentedResponse(operation, answer.status);
  if (!documented) return [`status ${answer.status} is not documented for ${String(operation.operationId)}`];
  const problems = answer.headers
    ? headerProblems(
        answer.status,
        (documented.response.headers ?? {}) as Record<string, SpecObject>,
        answer.headers,
        ajv,
      )
    : [];
  const content = documented.response.content as Record<string, SpecObject> | undefined;
  if (!content) return problems;
  const media = content[answer.mediaType];
  if (!media)
    return [
      ...problems,
      `${answer.status} answered ${answer.mediaType || 'no media type'}; documented: ${Object.keys(content).join(', ')}`,
    ];
  if (!media.schema) return problems;
  const validate = ajv.compile(media.schema);
  if (!validate(answer.body))
    problems.push(
      `${answer.status} body does not match its schema: ${ajv.errorsText(validate.errors)} — ${JSON.stringify(answer.body)?.slice(0, 300)}`,
    );
  return problems;
}
