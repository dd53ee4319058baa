/**
 * A minimal round-robin HTTP proxy on a free loopback port: each request goes to the next upstream in
 * turn, so tests spread their requests over several server replicas. Bodies and headers pass through
 * unchanged (plus X-Forwarded-For); an upstream that cannot be reached is a 502. A body is read whole
 * before it is forwarded: a server may answer (413) and close while a streamed body is still
 * arriving, and its answer must not be lost to the broken pipe.
 */
import { Agent, createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RoundRobinProxy {
  origin: string;
  /** Requests sent to each upstream so far, in the order the upstreams were given. */
  counts(): number[];
  stop(): Promise<void>;
}

export async function startRoundRobinProxy(upstreams: readonly string[]): Promise<RoundRobinProxy> {
  if (upstreams.length === 0) throw new Error('a round-robin proxy needs at least one upstream');
  const agent = new Agent({ keepAlive: true });
  const counts = upstreams.map(() => 0);
  let next = 0;
  const server = createServer(async (incoming, outgoing) => {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const index = next;
    next = (next + 1) % upstreams.length;
    counts[index]! += 1;
    const target = new URL(incoming.url ?? '/', upstreams[index]);
    const forwardedFor = [incoming.headers['x-forwarded-for'], incoming.socket.remoteAddress]
      .filter(Boolean)
      .join(', ');
    const upstream = httpRequest(
      target,
      {
        method: incoming.method,
        headers: {
          ...incoming.headers,
          host: target.host,
          'x-forwarded-for': forwardedFor,
          ...(incoming.headers['transfer-encoding'] ? {} : { 'content-length': String(body.length) }),
        },
        agent,
      },
      (answer: IncomingMessage) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => {
      if (outgoing.headersSent) return;
      outgoing.writeHead(502, { 'content-type': 'text/plain' });
      outgoing.end('upstream unreachable');
    });
    upstream.end(body);
  });
  // As the replicas behind it (Fastify: 72 s), not Node's 5 s, which a busy client's pool crosses (ECONNRESET).
  server.keepAliveTimeout = 72_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    counts: () => [...counts],
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
