/**
 * `verify-pact --target`: a pact's request sent to a provider (the target file's base URL for the
 * API) and its status compared with the pact's. Where the target file holds a credential for the
 * security scheme (or body field) the pact's request uses, it replaces the pact's, as a Pact
 * provider verification's request filter would: a consumer's test key means nothing to a provider.
 */
import {
  encodeBody,
  type OperationRef,
  operationUrl,
  placeCredential,
  type RequestParts,
  readCredential,
} from '@trackspec/specs';
import { transportErrorOf } from '../send.js';
import type { Target } from '../target.js';
import type { PactInteraction } from './pact-file.js';
import type { Finding } from './verify.js';

/** Headers fetch sets itself from the URL and the body. */
const transportHeaders = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

export async function replayInteraction(
  target: Target,
  api: string,
  interaction: PactInteraction,
  matched: { operation: OperationRef; params: Record<string, string>; body: unknown },
): Promise<Finding[]> {
  const { request, response } = interaction;
  const { operation } = matched;
  const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !transportHeaders.has(name)));
  const query = Object.fromEntries(Object.entries(request.query).map(([name, values]) => [name, values.at(-1) ?? '']));
  const body = matched.body !== null && typeof matched.body === 'object' ? { ...matched.body } : matched.body;
  const parts: RequestParts = { headers, query, body };
  withTargetCredentials(parts, operation, target.credentials[api] ?? {});
  const url = operationUrl(target.urls[api]!, operation, matched.params);
  for (const [name, values] of Object.entries(request.query))
    for (const value of values) url.searchParams.append(name, value);
  // A query credential the target replaced.
  for (const [name, value] of Object.entries(parts.query))
    if (value !== request.query[name]?.at(-1)) url.searchParams.set(name, value);
  const mediaType = request.body?.mediaType ?? headers['content-type'];
  const encoded = parts.body !== undefined && mediaType ? encodeBody(mediaType, parts.body) : undefined;
  if (encoded !== undefined && !headers['content-type']) headers['content-type'] = mediaType!;
  let status: number;
  let text: string;
  try {
    const answer = await fetch(url, { method: request.method, headers: parts.headers, body: encoded });
    status = answer.status;
    text = await answer.text();
  } catch (error) {
    return [replayFinding(`no answer from ${url.href}: transport error ${transportErrorOf(error)}`)];
  }
  if (status === response.status) return [];
  return [replayFinding(`${url.href} answered ${status}, the pact expects ${response.status}: ${text.slice(0, 200)}`)];
}

function replayFinding(detail: string): Finding {
  return { side: 'response', pointer: '/status', rule: 'replay', detail };
}

/** The target's credential in each place the pact's request presents one, by scheme name or body field. */
function withTargetCredentials(parts: RequestParts, operation: OperationRef, credentials: Record<string, string>) {
  for (const alternative of operation.security)
    for (const { name, location } of alternative)
      if (location && credentials[name] !== undefined && readCredential(location, parts) !== undefined)
        // The pact's header names are lower-cased: the target's value replaces, never joins, the pact's.
        placeCredential(
          parts,
          location.in === 'header' ? { ...location, name: location.name.toLowerCase() } : location,
          credentials[name],
        );
  const field = operation.requestBody?.credential;
  if (field && credentials[field.name] !== undefined && parts.body !== null && typeof parts.body === 'object')
    placeCredential(parts, field, credentials[field.name]!);
}
