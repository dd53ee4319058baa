/**
 * A non-2xx answer. Always an object, even for an empty body: `status` and `response` are always
 * there, `body` is the parsed JSON (an RFC 9457 problem for trackspec's own errors) or the raw
 * text, and `undefined` only when the body was empty.
 */
export class ApiError<Body = unknown> extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly body: Body | undefined;
  readonly response: Response;

  constructor(response: Response, body: Body | undefined) {
    super(`${response.status} ${response.statusText || 'error'} from ${response.url || 'the API'}${describe(body)}`);
    this.status = response.status;
    this.body = body === '' ? undefined : body;
    this.response = response;
  }

  /** The RFC 9457 problem details, when the body is one. */
  get problem(): ProblemDetails | undefined {
    const body = this.body as ProblemDetails | undefined;
    return body && typeof body === 'object' && typeof body.title === 'string' ? body : undefined;
  }
}

export interface ProblemDetails {
  type?: string;
  title: string;
  status?: number;
  detail?: string;
  instance?: string;
  errors?: { in: string; pointer: string; detail: string }[];
  [extension: string]: unknown;
}

function describe(body: unknown): string {
  if (body && typeof body === 'object' && 'detail' in body && typeof body.detail === 'string')
    return `: ${body.detail}`;
  if (typeof body === 'string' && body) return `: ${body.slice(0, 200)}`;
  return '';
}

/** An event the batching queue refused before sending (e.g. larger than the API accepts). */
export class EventRejectedError extends Error {
  override readonly name = 'EventRejectedError';
  constructor(
    message: string,
    readonly event: unknown,
  ) {
    super(message);
  }
}

/** One way a request breaks its operation's spec: where (`in` and a JSON pointer into it), which keyword, why. */
export interface ContractViolation {
  in: 'body' | 'query' | 'path' | 'header';
  pointer: string;
  keyword: string;
  detail: string;
}

/**
 * A request the spec would refuse, caught by `validate: 'requests'` before anything is sent. The
 * violations are the server's own verdict (415 for an undeclared media type, else 400 with every
 * failing field); `in`, `pointer` and `keyword` are the first one's.
 */
export class RequestContractError extends Error {
  override readonly name = 'RequestContractError';
  readonly in: ContractViolation['in'];
  readonly pointer: string;
  readonly keyword: string;

  constructor(
    /** The operation's `operationId`. */
    readonly operation: string,
    /** The status the API would answer: 400, or 415 for an undeclared media type. */
    readonly status: 400 | 415,
    readonly violations: readonly ContractViolation[],
  ) {
    const first = violations[0]!;
    super(
      `${operation}: ${violations.map((v) => `${v.in} ${v.pointer || '(whole)'} ${v.detail} [${v.keyword}]`).join('; ')}`,
    );
    this.in = first.in;
    this.pointer = first.pointer;
    this.keyword = first.keyword;
  }
}

/** One way an answer departs from its operation's documentation (a JSON pointer into `{ status, headers, body }`). */
export interface ContractFinding {
  pointer: string;
  /** `undocumented`, `required`, `media-type`, or the JSON Schema keyword. */
  rule: string;
  detail: string;
  message: string;
}

/** An answer that breaks the spec, caught by `validate: 'responses'`: thrown, or handed to `onContractBreak`. */
export class ResponseContractError extends Error {
  override readonly name = 'ResponseContractError';
  readonly status: number;

  constructor(
    /** The operation's `operationId`. */
    readonly operation: string,
    readonly response: Response,
    readonly findings: readonly ContractFinding[],
  ) {
    super(`${operation}: ${[...new Set(findings.map((finding) => finding.message))].join('; ')}`);
    this.status = response.status;
  }
}
