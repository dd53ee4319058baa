/**
 * `@trackspec/client/pact`: the requests a typed client makes, and what came back, recorded as a
 * Pact specification v4 file, so that a consumer that does not use Pact gets the same check
 * (`trackspec-contract verify-pact`) from its own tests. Kept out of the main entry: the default
 * bundle does not grow, and writing a file needs Node.
 */
import type { Middleware } from 'openapi-fetch';

/** A body as Pact v4 keeps it: JSON as a value, anything else as text. */
export interface PactV4Body {
  content: unknown;
  contentType: string;
  encoded: false;
}

export interface PactV4Interaction {
  type: 'Synchronous/HTTP';
  key: string;
  description: string;
  pending: false;
  request: {
    method: string;
    path: string;
    query?: Record<string, string[]>;
    headers: Record<string, string[]>;
    body?: PactV4Body;
  };
  response: { status: number; headers: Record<string, string[]>; body?: PactV4Body };
}

export interface PactV4File {
  consumer: { name: string };
  provider: { name: string };
  interactions: PactV4Interaction[];
  metadata: { pactSpecification: { version: '4.0' }; trackspec: { recorder: string } };
}

export interface RecordOptions {
  /** The consumer's name; by default the part of the file name before its last `-` (`checkout-m1das.json` → `checkout`). */
  consumer?: string;
  /** The provider's name (verify-pact reads the API from it); by default the part after (`m1das`). */
  provider?: string;
}

export interface PactRecorder {
  /** Every interaction recorded so far, in the order the answers came. */
  readonly interactions: readonly PactV4Interaction[];
  /** The pact as it stands. */
  toPact(): PactV4File;
  /** Writes the pact to the file (its folder created), replacing it. Node only. */
  write(): Promise<void>;
}

/** Any client of this package: the typed clients expose their openapi-fetch client as `raw`. */
export interface RecordableClient {
  raw: { use(...middleware: Middleware[]): void };
}

/**
 * Records every call made through `client` from now on (after its own middleware, so with its
 * credentials in place, and after retries: the answer the caller got). The file is written when
 * `write()` is called, typically once after a test file's calls (`afterAll`).
 */
export function recordInteractions(client: RecordableClient, file: string, options: RecordOptions = {}): PactRecorder {
  const named = namesFromFile(file);
  const consumer = options.consumer ?? named.consumer;
  const provider = options.provider ?? named.provider;
  const interactions: PactV4Interaction[] = [];
  const sent = new Map<string, Promise<PactV4Interaction['request']>>();
  client.raw.use({
    onRequest({ request, id }) {
      // Read now: once fetched, a real Request's body is gone.
      sent.set(id, requestOf(request));
    },
    onError({ id }) {
      // No answer, no interaction.
      sent.delete(id);
    },
    async onResponse({ response, id }) {
      const request = await sent.get(id);
      sent.delete(id);
      if (!request) return;
      const status = response.status;
      const body = bodyOf(response.headers.get('content-type'), await response.clone().text());
      const description = uniqueDescription(`${request.method} ${request.path} → ${status}`, interactions);
      interactions.push({
        type: 'Synchronous/HTTP',
        key: `${interactions.length + 1}`,
        description,
        pending: false,
        request,
        response: { status, headers: headersOf(response.headers), ...(body ? { body } : {}) },
      });
    },
  });
  const toPact = (): PactV4File => ({
    consumer: { name: consumer },
    provider: { name: provider },
    interactions: [...interactions],
    metadata: { pactSpecification: { version: '4.0' }, trackspec: { recorder: '@trackspec/client/pact' } },
  });
  return {
    interactions,
    toPact,
    async write() {
      // A specifier the bundlers leave alone: this entry stays loadable (not writable) in browsers.
      const fs = (await import('node:fs/promises' as string)) as {
        mkdir(path: string, options: { recursive: true }): Promise<unknown>;
        writeFile(path: string, data: string): Promise<void>;
      };
      const folder = file.replace(/[/\\][^/\\]*$/, '');
      if (folder !== file) await fs.mkdir(folder, { recursive: true });
      await fs.writeFile(file, `${JSON.stringify(toPact(), null, 2)}\n`);
    },
  };
}

/** Pact's own file naming, `<consumer>-<provider>.json`. */
function namesFromFile(file: string): { consumer: string; provider: string } {
  const base = file.replace(/^.*[/\\]/, '').replace(/\.json$/i, '');
  const dash = base.lastIndexOf('-');
  return dash > 0
    ? { consumer: base.slice(0, dash), provider: base.slice(dash + 1) }
    : { consumer: base, provider: base };
}

async function requestOf(request: Request): Promise<PactV4Interaction['request']> {
  const url = new URL(request.url);
  const query: Record<string, string[]> = {};
  url.searchParams.forEach((value, name) => {
    query[name] = [...(query[name] ?? []), value];
  });
  const text = request.body === null ? '' : await request.clone().text();
  const body = bodyOf(request.headers.get('content-type'), text);
  return {
    method: request.method.toUpperCase(),
    path: decodeURI(url.pathname),
    ...(Object.keys(query).length > 0 ? { query } : {}),
    headers: headersOf(request.headers),
    ...(body ? { body } : {}),
  };
}

function headersOf(headers: Headers): Record<string, string[]> {
  const byName: Record<string, string[]> = {};
  headers.forEach((value, name) => {
    byName[name] = [value];
  });
  return byName;
}

function bodyOf(contentType: string | null, text: string): PactV4Body | undefined {
  if (text === '') return undefined;
  const type = contentType ?? 'application/octet-stream';
  if (/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    try {
      return { content: JSON.parse(text) as unknown, contentType: type, encoded: false };
    } catch {
      // Not JSON after all: kept as the text it is.
    }
  }
  return { content: text, contentType: type, encoded: false };
}

/** Pact tells interactions apart by description: a repeated call gets its ordinal. */
function uniqueDescription(description: string, recorded: readonly PactV4Interaction[]): string {
  const taken = new Set(recorded.map((interaction) => interaction.description));
  if (!taken.has(description)) return description;
  let ordinal = 2;
  while (taken.has(`${description} (${ordinal})`)) ordinal++;
  return `${description} (${ordinal})`;
}
