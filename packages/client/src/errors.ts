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
