/**
 * A loopback HTTP proxy in front of one server that plants the current mutation in its answers.
 * Requests go through untouched: method, path, end-to-end headers and the body's bytes (gzip, forms,
 * large bodies alike). Answers are read whole, and an answer of an operation the current mutation
 * fits is rewritten; every other answer goes back byte for byte.
 *
 * A body is read whole before it is sent on, in one write: the server answers a too-large body (413)
 * as soon as it has the headers and closes the connection, and a body still being streamed to it
 * then fails with EPIPE before the answer is read (undici, which node:http's client cannot avoid
 * either). The suite's bodies are at most a few hundred KB.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAjv, mediaTypeOf } from '@trackspec/specs';
import { Agent, request as forward } from 'undici';
import { type MutableAnswer, parseBody, serializeBody } from './answer.js';
import type { Mutation } from './catalogue.js';
import { OperationRoutes } from './routes.js';

/** One answer the current mutation changed, for the report. */
export interface Change {
  api: string;
  operationId: string;
  from: { status: number; mediaType: string };
  to: { status: number; mediaType: string };
}

export interface MutatingProxy {
  /** The proxy's origin (`http://127.0.0.1:<port>`), standing in for the server's. */
  origin: string;
  /** Plants `mutation` (none: forward unchanged) in answers of the given APIs from now on, and forgets past changes. */
  use(mutation: Mutation | undefined, apis?: readonly string[]): void;
  /** The answers changed since the last `use`. */
  changes(): readonly Change[];
  stop(): Promise<void>;
}

// Per hop, never forwarded (RFC 9110 §7.6.1); Content-Length is recomputed for a rewritten body.
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The request's end-to-end headers (Host is the upstream's own). */
const forwardedHeaders = (headers: IncomingHttpHeaders) =>
  Object.fromEntries(
    Object.entries(headers).filter(([name]) => !hopByHop.has(name) && name !== 'host' && name !== 'expect'),
  ) as Record<string, string | string[]>;

/** The request's body bytes, undefined when it has none. */
async function bodyOf(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const hasBody = request.headers['transfer-encoding'] !== undefined || request.headers['content-length'] !== undefined;
  return hasBody ? Buffer.concat(chunks) : undefined;
}

/** The answer as a mutation sees it; undefined when its bytes are encoded (the server sends none so). */
function toMutable({ status, headers, body }: Upstream): MutableAnswer | undefined {
  if (headers['content-encoding'] && headers['content-encoding'] !== 'identity') return undefined;
  const mediaType = mediaTypeOf(headers['content-type']) ?? '';
  const rest = Object.entries(headers).filter(
    ([name]) => !hopByHop.has(name) && name !== 'content-type' && name !== 'content-length',
  );
  return {
    status,
    mediaType,
    headers: Object.fromEntries(rest.map(([name, value]) => [name, [value].flat().join(', ')])),
    body: parseBody(mediaType, body.toString('utf8')),
  };
}

function send(response: ServerResponse, status: number, headers: IncomingHttpHeaders, body: Buffer): void {
  const kept = Object.entries(headers).filter(([name]) => !hopByHop.has(name) && name !== 'content-length');
  response.writeHead(status, { ...Object.fromEntries(kept), 'content-length': String(body.length) });
  response.end(body);
}

export async function startMutatingProxy(server: {
  origin: string;
  urls: Record<string, string>;
}): Promise<MutatingProxy> {
  const upstream = new URL(server.origin);
  const routes = new OperationRoutes(server.urls);
  const ajv = createAjv();
  const agent = new Agent();
  let current: { mutation: Mutation; apis: readonly string[] | undefined } | undefined;
  let changes: Change[] = [];

  /** The mutated answer, with what changed, when the current mutation fits this one. */
  function mutate(request: IncomingMessage, received: Upstream): { answer: MutableAnswer; change: Change } | undefined {
    if (!current) return undefined;
    const routed = routes.find(request.method ?? 'GET', new URL(request.url ?? '/', upstream).pathname);
    if (!routed || (current.apis && !current.apis.includes(routed.api))) return undefined;
    const original = toMutable(received);
    const mutated = original && current.mutation.apply(original, { ...routed, ajv });
    if (!original || !mutated) return undefined;
    return {
      answer: mutated,
      change: {
        api: routed.api,
        operationId: routed.operation.operationId,
        from: { status: original.status, mediaType: original.mediaType },
        to: { status: mutated.status, mediaType: mutated.mediaType },
      },
    };
  }

  function answer(request: IncomingMessage, response: ServerResponse, received: Upstream): void {
    const mutated = mutate(request, received);
    if (!mutated) {
      send(response, received.status, received.headers, received.body);
      return;
    }
    changes.push(mutated.change);
    const { answer } = mutated;
    const headers = { ...answer.headers, ...(answer.mediaType ? { 'content-type': answer.mediaType } : {}) };
    send(response, answer.status, headers, Buffer.from(serializeBody(answer), 'utf8'));
  }

  const proxy = createServer(async (request, response) => {
    try {
      const received = await forward(new URL(request.url ?? '/', upstream), {
        method: request.method as 'GET',
        headers: forwardedHeaders(request.headers),
        body: await bodyOf(request),
        dispatcher: agent,
      });
      const bytes = Buffer.from(await received.body.arrayBuffer());
      answer(request, response, { status: received.statusCode, headers: received.headers, body: bytes });
    } catch (error) {
      if (!response.headersSent)
        send(
          response,
          502,
          { 'content-type': 'text/plain' },
          Buffer.from(`mutating proxy: ${(error as Error).message}`),
        );
      else response.destroy();
    }
  });
  // As the server it stands for (Fastify: 72 s): with Node's 5 s, a suite's pool, idle past its
  // 3 s share of the hint while its process waits for a core, sends on a connection being closed (ECONNRESET).
  proxy.keepAliveTimeout = 72_000;
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    use(mutation, apis) {
      current = mutation && { mutation, apis };
      changes = [];
    },
    changes: () => changes,
    async stop() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await agent.close();
    },
  };
}
