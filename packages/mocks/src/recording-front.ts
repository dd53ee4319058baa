/**
 * What stands on a mock's port: every request is passed to that API's Prism (which still makes
 * the answer) and recorded with the spec's verdict and the status Prism answered, before the answer
 * goes back — a client that has its answer finds its request in the list. The inspection API,
 * `GET` and `DELETE /__trackspec/received`, is answered here and never reaches Prism.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OpenApiDocument } from '@trackspec/specs';
import { compileJudge } from './judge.js';
import { type ReceivedFilter, ReceivedLog } from './received-log.js';

export const receivedPath = '/__trackspec/received';

/** Hop-by-hop headers (RFC 9110 §7.6.1) are the connection's, not the message's. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

export interface RecordingFront {
  port: number;
  log: ReceivedLog;
  close(): Promise<void>;
}

export async function startRecordingFront(options: {
  api: string;
  document: OpenApiDocument;
  /** Where this API's Prism listens. */
  prismPort: number;
  host: string;
  /** 0: any free port. */
  port: number;
  receivedLimit: number | undefined;
}): Promise<RecordingFront> {
  const judge = compileJudge(options.document);
  const log = new ReceivedLog(options.receivedLimit);
  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      // Prism gone or unreachable: say so; never a silent hang.
      if (!response.headersSent) sendProblem(response, 502, `The mock could not answer: ${error.message}`);
      else response.destroy(error);
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://mock');
    if (url.pathname === receivedPath) {
      inspect(request.method ?? 'GET', url.searchParams, response);
      return;
    }
    const receivedAt = new Date().toISOString();
    const bytes = Buffer.concat(await request.toArray());
    const answer = await forward(request, bytes, options.prismPort);
    const judged = judge({
      method: request.method ?? 'GET',
      path: url.pathname,
      query: queryOf(url.searchParams),
      headers: request.headers,
      bytes,
    });
    const bodyIsBytes = judged.body instanceof Uint8Array;
    log.add({
      receivedAt,
      method: request.method ?? 'GET',
      path: url.pathname,
      query: judged.query,
      headers: judged.headers,
      ...(judged.body === undefined
        ? {}
        : bodyIsBytes
          ? { body: Buffer.from(judged.body as Uint8Array).toString('base64'), bodyEncoding: 'base64' as const }
          : { body: judged.body }),
      operationId: judged.operationId,
      verdict: judged.verdict,
      status: answer.status,
    });
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  function inspect(method: string, search: URLSearchParams, response: ServerResponse): void {
    if (method === 'DELETE') {
      log.clear();
      response.writeHead(204).end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD, DELETE');
      sendProblem(response, 405, `${receivedPath} takes GET and DELETE.`);
      return;
    }
    const filter = filterOf(search);
    if ('pointer' in filter) {
      sendProblem(response, 400, `${filter.pointer.slice(1)} ${filter.detail}.`, filter);
      return;
    }
    const text = JSON.stringify(log.list(filter));
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(method === 'HEAD' ? undefined : text);
  }

  // Node's 5 s default closes an idle kept-alive connection soon after a client's pool (undici: the
  // server's hint less 2 s) stops reusing it; a client whose process waits for a core misses that
  // moment, sends on the closing connection and gets ECONNRESET for a request the mock never read.
  // The collector's Fastify keeps 72 s, beyond the gaps in a test run; the mock does the same.
  server.keepAliveTimeout = 72_000;
  server.listen(options.port, options.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          `The ${options.api} mock cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`,
        ),
      ),
    );
  });
  return {
    port: (server.address() as AddressInfo).port,
    log,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface QueryError {
  in: 'query';
  pointer: string;
  detail: string;
}

/** The filters of `GET /__trackspec/received`, or what is wrong with them. */
function filterOf(search: URLSearchParams): ReceivedFilter | QueryError {
  const filter: ReceivedFilter = {};
  const operationId = search.get('operationId');
  if (operationId !== null) filter.operationId = operationId;
  const since = search.get('since');
  if (since !== null) {
    if (!/^\d+$/.test(since))
      return {
        in: 'query',
        pointer: '/since',
        detail: `must be an entry id (a whole number), got ${JSON.stringify(since)}`,
      };
    filter.since = since;
  }
  const limit = search.get('limit');
  if (limit !== null) {
    if (!/^\d+$/.test(limit) || Number(limit) < 1)
      return { in: 'query', pointer: '/limit', detail: `must be a whole number ≥ 1, got ${JSON.stringify(limit)}` };
    filter.limit = Number(limit);
  }
  return filter;
}

function queryOf(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of search) {
    const before = query[name];
    query[name] = before === undefined ? value : [before, value].flat();
  }
  return query;
}

/** Passes the request as received (body bytes untouched, gzip and all) to Prism; resolves with its whole answer. */
function forward(
  request: IncomingMessage,
  bytes: Buffer,
  prismPort: number,
): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(request.headers))
    if (value !== undefined && !hopByHop.has(name)) headers[name] = value;
  if (bytes.length > 0 || request.headers['transfer-encoding']) headers['content-length'] = String(bytes.length);
  return new Promise((resolve, reject) => {
    const send = (attempt: number) => {
      const outgoing = httpRequest(
        { host: '127.0.0.1', port: prismPort, method: request.method, path: request.url, headers },
        (answer) => {
          answer
            .toArray()
            .then((chunks) => {
              const answerHeaders: Record<string, string | string[]> = {};
              for (const [name, value] of Object.entries(answer.headers))
                if (value !== undefined && !hopByHop.has(name)) answerHeaders[name] = value;
              const body = Buffer.concat(chunks);
              answerHeaders['content-length'] = String(body.length);
              resolve({ status: answer.statusCode ?? 502, headers: answerHeaders, body });
            })
            .catch(reject);
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        // A kept-alive connection Prism closed as we reused it (the same crossing, between us and
        // Prism): Prism keeps no state, so the request goes again once, on a fresh connection, as
        // Node's documentation advises for `reusedSocket`.
        if (attempt === 1 && outgoing.reusedSocket && error.code === 'ECONNRESET') send(2);
        else reject(error);
      });
      outgoing.end(bytes);
    };
    send(1);
  });
}

/** An RFC 9457 problem; `error` names the failing field. */
function sendProblem(response: ServerResponse, status: number, detail: string, error?: QueryError): void {
  const titles: Record<number, string> = { 400: 'Bad Request', 405: 'Method Not Allowed', 502: 'Bad Gateway' };
  const problem = {
    type: 'about:blank',
    title: titles[status] ?? 'Error',
    status,
    detail,
    ...(error && { errors: [error] }),
  };
  const text = JSON.stringify(problem);
  response.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
