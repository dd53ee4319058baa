/**
 * The last word on every failure: whatever is thrown — a problem, a store that cannot write,
 * Fastify's body errors, bad gzip — is answered with problem details that leak no internals, and
 * a request that no route serves gets a 404 problem.
 */
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { HttpProblem, notFound, sendProblem, serviceUnavailable } from './problems.js';
import { StoreUnavailableError } from './storage/event-store.js';

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toHttpProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(reply, notFound(request)));
}

function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof StoreUnavailableError)
    return serviceUnavailable('The event store is unavailable; nothing was stored. Retry later.');
  const fastifyError = error as { statusCode?: number; code?: string };
  const code = fastifyError.code ?? '';
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return new HttpProblem(413, 'The request body is larger than this operation accepts.');
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new HttpProblem(415, 'This Content-Type is not accepted.');
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR') return new HttpProblem(400, 'The body is not valid gzip.');
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return new HttpProblem(400, 'The body is not valid JSON.', {
      errors: [{ in: 'body', pointer: '', detail: 'is not valid JSON' }],
    });
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) return new HttpProblem(status, 'The request could not be processed.');
  return new HttpProblem(500, 'An unexpected error occurred; it has been logged.');
}

/**
 * A request Node's HTTP parser cannot read never reaches a route; it still gets a problem (not
 * Fastify's default JSON), and the connection closes, as nothing after it can be trusted.
 */
export function answerUnreadableRequest(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const problem = new HttpProblem(status, 'The request is not well-formed HTTP/1.1.').toProblem();
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${status} ${problem.title}\r\ncontent-type: application/problem+json\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
