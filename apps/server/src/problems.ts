/**
 * RFC 9457 problem details: the only shape trackspec's own errors take. Every error the server
 * answers is an `HttpProblem`, and `sendProblem` is the one place that writes one.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface FieldError {
  in: 'body' | 'query' | 'path' | 'header';
  /** JSON Pointer (RFC 6901) into that part of the request. */
  pointer: string;
  detail: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const problemContentType = 'application/problem+json';

/** An error that becomes a problem response; anything else thrown by a handler becomes a 500 without details. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    detail: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    // The cause goes to the log (pino prints causes), never into the answer.
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = status;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  toProblem(): Problem {
    return {
      type: 'about:blank',
      title: titles[this.status] ?? 'Error',
      status: this.status,
      ...(this.message ? { detail: this.message } : {}),
      ...(this.errors?.length ? { errors: this.errors } : {}),
    };
  }
}

/** The request does not match the API's spec: one field error per failing field. */
export function invalidRequest(errors: FieldError[]): HttpProblem {
  return new HttpProblem(400, "The request does not match the API's schema.", { errors });
}

/** Who sent the request is not known: every 401 the server answers. The detail never holds a presented secret. */
export function unauthorized(detail: string): HttpProblem {
  return new HttpProblem(401, detail);
}

/** A documented path asked with a method it does not serve; `allow` lists the ones it does (RFC 9110 §15.5.6). */
export function methodNotAllowed(request: FastifyRequest, allow: readonly string[]): HttpProblem {
  return new HttpProblem(
    405,
    `${request.method} is not served at ${request.url.split('?')[0]}; it serves ${allow.join(', ')}.`,
    { headers: { allow: allow.join(', ') } },
  );
}

/**
 * The server cannot do it now (the store, a shutdown): every 503, with the Retry-After (seconds) that the
 * shared ServiceUnavailable response promises.
 */
export function serviceUnavailable(
  detail: string,
  options: { headers?: Record<string, string>; cause?: unknown } = {},
): HttpProblem {
  return new HttpProblem(503, detail, { headers: { ...options.headers, 'retry-after': '1' }, cause: options.cause });
}

export function notFound(request: FastifyRequest): HttpProblem {
  return new HttpProblem(404, `Nothing at ${request.method} ${request.url.split('?')[0]}.`);
}

export function sendProblem(reply: FastifyReply, problem: HttpProblem): FastifyReply {
  return reply
    .code(problem.status)
    .headers(problem.headers)
    .type(problemContentType)
    .send(JSON.stringify(problem.toProblem()));
}

/** The media type of an answer: problem details for a 4xx or 5xx, JSON otherwise. */
export function answerContentType(status: number): string {
  return status >= 400 ? problemContentType : 'application/json';
}
