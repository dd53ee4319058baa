/**
 * Pact files as pact-js and pact-jvm write them, read into one shape: Pact specification v4
 * (`Synchronous/HTTP` interactions, bodies as `{ content, contentType, encoded }`, header values as
 * arrays), v3 (`query` as `{ name: [values] }`, bodies as JSON values) and, leniently, v2 (`query`
 * as a string). Matching rules and generators are ignored: the example values in the file are
 * what gets checked.
 */
import { readFileSync } from 'node:fs';
import { mediaTypeOf } from '@trackspec/specs';

/** A request or response body as the pact holds it: its media type, if named, and its value. */
export interface PactBody {
  /** From the body's `contentType` (v4) or the `Content-Type` header, without parameters. */
  mediaType: string | undefined;
  /** JSON as a value; any other body as text (base64 content decoded). */
  value: unknown;
}

export interface PactRequest {
  method: string;
  path: string;
  /** Every value of each query parameter. */
  query: Record<string, string[]>;
  /** Lower-case names; repeated values joined with `, ` (RFC 9110 §5.3). */
  headers: Record<string, string>;
  body: PactBody | undefined;
}

export interface PactResponse {
  status: number;
  headers: Record<string, string>;
  body: PactBody | undefined;
}

export interface PactInteraction {
  description: string;
  request: PactRequest;
  response: PactResponse;
}

export interface Pact {
  consumer: string;
  provider: string;
  /** `metadata.pactSpecification.version` (or `pact-specification`, as v2 writers put it). */
  specification: string;
  interactions: PactInteraction[];
  /** Interactions that are not HTTP (v4 messages): not part of an HTTP API's contract. */
  notHttp: string[];
}

/** A file that is no pact: exit code 2, one line per problem. */
export class PactFileError extends Error {}

type Loose = Record<string, unknown>;

export function readPactFile(path: string): Pact {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new PactFileError(`${path}: cannot be read as JSON (${reason})`);
  }
  return parsePact(value, path);
}

export function parsePact(value: unknown, label: string): Pact {
  const problems: string[] = [];
  const pact = (value ?? {}) as Loose;
  const nameOf = (member: string) => {
    const name = (pact[member] as Loose | undefined)?.name;
    if (typeof name !== 'string' || !name) problems.push(`${label}: /${member}/name: required`);
    return String(name ?? '');
  };
  const consumer = nameOf('consumer');
  const provider = nameOf('provider');
  const metadata = (pact.metadata ?? {}) as Loose;
  const versionOf = (entry: unknown) => (entry as Loose | undefined)?.version;
  const specification = String(
    versionOf(metadata.pactSpecification) ?? versionOf(metadata['pact-specification']) ?? '2.0.0',
  );
  // Only v4 wraps bodies: a v2/v3 JSON body may well have a member named `content`.
  const v4 = specification.startsWith('4');
  if (!Array.isArray(pact.interactions)) problems.push(`${label}: /interactions: must be an array`);
  const interactions: PactInteraction[] = [];
  const notHttp: string[] = [];
  for (const [index, entry] of ((pact.interactions as unknown[]) ?? []).entries()) {
    const interaction = (entry ?? {}) as Loose;
    const description = String(interaction.description ?? `interaction ${index}`);
    if (interaction.type !== undefined && interaction.type !== 'Synchronous/HTTP') {
      notHttp.push(`${description} (${String(interaction.type)})`);
      continue;
    }
    const request = interaction.request as Loose | undefined;
    const response = interaction.response as Loose | undefined;
    const at = `${label}: /interactions/${index}`;
    if (typeof request?.method !== 'string') problems.push(`${at}/request/method: required`);
    if (typeof request?.path !== 'string') problems.push(`${at}/request/path: required`);
    if (typeof response?.status !== 'number') problems.push(`${at}/response/status: must be a number`);
    if (!request || !response || typeof request.method !== 'string' || typeof request.path !== 'string') continue;
    const requestHeaders = headersOf(request.headers);
    const responseHeaders = headersOf(response.headers);
    interactions.push({
      description,
      request: {
        method: request.method.toUpperCase(),
        path: request.path,
        query: queryOf(request.query),
        headers: requestHeaders,
        body: bodyOf(request, requestHeaders, v4),
      },
      response: {
        status: Number(response.status),
        headers: responseHeaders,
        body: bodyOf(response, responseHeaders, v4),
      },
    });
  }
  if (problems.length > 0) throw new PactFileError(problems.join('\n'));
  return { consumer, provider, specification, interactions, notHttp };
}

/** v3/v4: `{ name: [values] }` (v3 writers also put a lone string); v2: `a=1&b=2`. */
function queryOf(query: unknown): Record<string, string[]> {
  const byName: Record<string, string[]> = {};
  if (typeof query === 'string') {
    for (const [name, value] of new URLSearchParams(query)) byName[name] = [...(byName[name] ?? []), value];
    return byName;
  }
  for (const [name, values] of Object.entries((query ?? {}) as Loose))
    byName[name] = [values].flat().map((value) => String(value));
  return byName;
}

/** v4 keeps every header as an array of values; v2/v3 as one string. */
function headersOf(headers: unknown): Record<string, string> {
  const byName: Record<string, string> = {};
  for (const [name, values] of Object.entries((headers ?? {}) as Loose))
    byName[name.toLowerCase()] = [values].flat().map(String).join(', ');
  return byName;
}

/** A v4 body (`{ content, contentType, encoded }`) or a v2/v3 one (the value itself). */
function bodyOf(message: Loose, headers: Record<string, string>, v4: boolean): PactBody | undefined {
  if (!('body' in message) || message.body === undefined) return undefined;
  const body = message.body as Loose | null;
  if (v4 && (body === null || typeof body !== 'object' || !('content' in body))) return undefined;
  if (!v4) return { mediaType: mediaTypeOf(headers['content-type']), value: message.body };
  const { content, contentType, encoded: encoding } = body as Loose;
  const mediaType = mediaTypeOf((contentType as string | undefined) ?? headers['content-type']);
  const encoded = String(encoding ?? false).toLowerCase();
  let value = content;
  if (encoded === 'base64' && typeof value === 'string') value = Buffer.from(value, 'base64').toString('utf8');
  else if (encoded === 'json' && typeof value === 'string') value = JSON.parse(value);
  return { mediaType, value };
}
