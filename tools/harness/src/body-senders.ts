/**
 * One request body sent the ways real clients send it — Node's `fetch` (undici), `node:http`, and
 * curl — with `Content-Length` or chunked, reporting what came back: the status and the start of
 * the answer, or the transport error's code (`EPIPE`, `ECONNRESET`, curl's exit code). For tests
 * of answers a server gives before it has read the whole body.
 */
import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';

export const bodyClients = ['fetch', 'node:http', 'curl'] as const;
export type BodyClient = (typeof bodyClients)[number];
export const bodyFramings = ['content-length', 'chunked'] as const;
export type BodyFraming = (typeof bodyFramings)[number];

export interface BodyRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  framing: BodyFraming;
}

/** What came back: an answer, or the transport error that took its place. */
export type BodyOutcome = { status: number; bodyStart: string } | { error: string };

export function describeOutcome(outcome: BodyOutcome): string {
  return 'error' in outcome ? `transport error ${outcome.error}` : `${outcome.status} ${outcome.bodyStart}`;
}

export function sendBody(client: BodyClient, request: BodyRequest): Promise<BodyOutcome> {
  if (client === 'fetch') return sendWithFetch(request);
  if (client === 'node:http') return sendWithHttp(request);
  return sendWithCurl(request);
}

const chunkSize = 64 * 1024;
const start = (text: string) => text.slice(0, 200);

async function sendWithFetch({ url, method, headers, body, framing }: BodyRequest): Promise<BodyOutcome> {
  // A stream body has no length, so undici sends it chunked.
  const payload =
    framing === 'chunked'
      ? new ReadableStream<Uint8Array>({
          start(controller) {
            for (let at = 0; at < body.length; at += chunkSize) controller.enqueue(body.subarray(at, at + chunkSize));
            controller.close();
          },
        })
      : body;
  try {
    const response = await fetch(url, { method, headers, body: payload, duplex: 'half' } as RequestInit);
    return { status: response.status, bodyStart: start(await response.text()) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: cause?.code ?? cause?.message ?? String(error) };
  }
}

function sendWithHttp({ url, method, headers, body, framing }: BodyRequest): Promise<BodyOutcome> {
  return new Promise((resolve) => {
    const lengthHeader = framing === 'content-length' ? { 'content-length': String(body.length) } : {};
    const request = httpRequest(url, { method, headers: { ...headers, ...lengthHeader } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (text.length < 200) text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bodyStart: start(text) }));
      response.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    // Written in chunks either way, as a client streaming a file would; without a length Node frames them chunked.
    const writeFrom = (at: number) => {
      while (at < body.length) {
        const more = request.write(body.subarray(at, at + chunkSize));
        at += chunkSize;
        if (!more) {
          request.once('drain', () => writeFrom(at));
          return;
        }
      }
      request.end();
    };
    writeFrom(0);
  });
}

function sendWithCurl({ url, method, headers, body, framing }: BodyRequest): Promise<BodyOutcome> {
  // The body comes on stdin. `Expect:` off: curl sends it at once instead of waiting for 100 Continue.
  const args = ['-sS', '-X', method, '--data-binary', '@-', '-H', 'Expect:', '-w', '\n%{http_code}'];
  if (framing === 'chunked') args.push('-H', 'Transfer-Encoding: chunked');
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  return new Promise((resolve) => {
    const curl = spawn('curl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    curl.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    curl.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    curl.stdin.on('error', () => undefined); // curl may stop reading once it has an answer
    curl.stdin.end(body);
    curl.on('close', (code) => {
      const status = Number(/\n(\d{3})$/.exec(stdout)?.[1] ?? 0);
      if (code !== 0 || status === 0) resolve({ error: `curl exit ${code}: ${stderr.trim()}` });
      else resolve({ status, bodyStart: start(stdout.replace(/\n\d{3}$/, '')) });
    });
  });
}
