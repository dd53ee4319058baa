/** Checking an HTTP answer against the operation that documents it (status, media type, headers, body schema). */
import type { ErrorObject } from 'ajv/dist/2020.js';
import type { SpecObject } from './json.js';
import { pointedErrors } from './request-reading.js';

/**
 * What the response checks need of Ajv: an `Ajv2020` instance, or precompiled checks (the client's
 * standalone validators) behind the same two calls.
 */
export interface SchemaCompiler {
  compile(schema: SpecObject): { (data: unknown): boolean; errors?: readonly ErrorObject[] | null };
  errorsText(errors?: readonly ErrorObject[] | null, options?: { dataVar?: string }): string;
}

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
 * One way an answer departs from its operation's documentation: where (a JSON pointer into the
 * answer read as `{ status, headers, body }`), the rule it breaks (`undocumented`, `required`,
 * `media-type`, or the JSON Schema keyword), and the message the contract suite prints.
 */
export interface ResponseFinding {
  pointer: string;
  rule: string;
  detail: string;
  message: string;
}

const headerPointer = (name: string) => `/headers/${name.toLowerCase().replaceAll('~', '~0').replaceAll('/', '~1')}`;

/**
 * The documented headers of a response that an answer breaks: a `required` one missing, or one
 * whose value does not fit its schema. `headers` holds lower-case names.
 */
function headerFindings(
  status: number,
  declared: Record<string, SpecObject>,
  headers: Record<string, string>,
  ajv: SchemaCompiler,
): ResponseFinding[] {
  const findings: ResponseFinding[] = [];
  for (const [name, header] of Object.entries(declared)) {
    // Content-Type is described by `content`, never as a header (OpenAPI 3.1 §4.8.21.1).
    if (name.toLowerCase() === 'content-type') continue;
    const text = headers[name.toLowerCase()];
    if (text === undefined) {
      if (header.required)
        findings.push({
          pointer: headerPointer(name),
          rule: 'required',
          detail: 'is required',
          message: `${status} answer lacks the documented header ${name}`,
        });
      continue;
    }
    if (!header.schema) continue;
    const validate = ajv.compile(header.schema);
    if (!validate(headerValue(text, header.schema))) {
      const message = `${status} header ${name}: ${JSON.stringify(text)} ${ajv.errorsText(validate.errors, { dataVar: '' })}`;
      for (const error of pointedErrors(validate.errors, headerPointer(name)))
        findings.push({ pointer: error.pointer, rule: error.keyword, detail: error.detail, message });
    }
  }
  return findings;
}

/**
 * Everything about an answer that its operation does not document (empty when it conforms).
 * Headers are checked when the answer carries them (lower-case names).
 */
export function responseFindings(
  operation: SpecObject,
  answer: { status: number; mediaType: string; body: unknown; headers?: Record<string, string> },
  ajv: SchemaCompiler,
): ResponseFinding[] {
  const documented = documentedResponse(operation, answer.status);
  if (!documented)
    return [
      {
        pointer: '/status',
        rule: 'undocumented',
        detail: `${answer.status} is not documented`,
        message: `status ${answer.status} is not documented for ${String(operation.operationId)}`,
      },
    ];
  const findings = answer.headers
    ? headerFindings(
        answer.status,
        (documented.response.headers ?? {}) as Record<string, SpecObject>,
        answer.headers,
        ajv,
      )
    : [];
  const content = documented.response.content as Record<string, SpecObject> | undefined;
  if (!content) return findings;
  const media = content[answer.mediaType];
  if (!media) {
    const accepted = Object.keys(content).join(', ');
    findings.push({
      pointer: '/headers/content-type',
      rule: 'media-type',
      detail: `${answer.mediaType || 'none'}; documented: ${accepted}`,
      message: `${answer.status} answered ${answer.mediaType || 'no media type'}; documented: ${accepted}`,
    });
    return findings;
  }
  if (!media.schema) return findings;
  const validate = ajv.compile(media.schema);
  if (!validate(answer.body)) {
    const message = `${answer.status} body does not match its schema: ${ajv.errorsText(validate.errors)} — ${JSON.stringify(answer.body)?.slice(0, 300)}`;
    for (const error of pointedErrors(validate.errors, '/body'))
      findings.push({ pointer: error.pointer, rule: error.keyword, detail: error.detail, message });
  }
  return findings;
}

/**
 * Everything about an answer that its operation does not document, as messages (empty when it
 * conforms). Headers are checked when the answer carries them (lower-case names).
 */
export function responseProblems(
  operation: SpecObject,
  answer: { status: number; mediaType: string; body: unknown; headers?: Record<string, string> },
  ajv: SchemaCompiler,
): string[] {
  return [...new Set(responseFindings(operation, answer, ajv).map((finding) => finding.message))];
}
