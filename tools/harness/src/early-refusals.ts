/**
 * Requests a server must refuse before it has read their bodies, sent the ways real clients send them
 * (body-senders.ts): bodies past each operation's limit, of three sizes, with `Content-Length` and
 * chunked, by `fetch`, `node:http` and curl, spread over every operation that takes a body in every
 * API. What the tests of early refusals share, whatever stands in front of the server.
 */
import {
  apiNames,
  defaultMaxBodyBytes,
  exampleRequests,
  listOperations,
  loadDereferenced,
  type OperationRef,
  operationUrl,
} from '@trackspec/specs';
import {
  type BodyClient,
  type BodyFraming,
  bodyClients,
  bodyFramings,
  describeOutcome,
  sendBody,
} from './body-senders.js';

/** Every operation that takes a body (webhooks left out), with its API's name. */
export const bodyOperations = apiNames.flatMap((api) =>
  listOperations(loadDereferenced(api))
    .filter((operation) => operation.source === 'paths' && operation.requestBody)
    .map((operation) => ({ api, operation })),
);

export const bodyLimitOf = (operation: OperationRef) =>
  operation.requestBody?.limits.maxBodyBytes ?? defaultMaxBodyBytes;

export const overLimitSizes = [
  { label: 'limit + 1 byte', bytes: (limit: number) => limit + 1 },
  { label: '3× the limit', bytes: (limit: number) => 3 * limit },
  { label: '12 MB', bytes: () => 12_000_000 },
];

export interface RefusalRow {
  client: BodyClient;
  framing: BodyFraming;
  /** Where in `bodyOperations` this row's requests start, so that rows spread over the operations. */
  offset: number;
}

/** Each (size, framing, client), with a name and its own starting operation. */
export const overLimitRows = overLimitSizes.flatMap((size, sizeIndex) =>
  bodyFramings.flatMap((framing, framingIndex) =>
    bodyClients.map((client, clientIndex) => ({
      size,
      framing,
      client,
      offset: (sizeIndex * 6 + framingIndex * 3 + clientIndex) * 7,
      name: `${size.label}, ${framing}, ${client}`,
    })),
  ),
);

/**
 * Sends `count` requests, the operations in turn from the row's offset, to the APIs at `urls` (base URL
 * per API), and lists every one not answered `status`, with what came back instead.
 */
export async function unrefusedRequests(
  urls: Record<string, string>,
  row: RefusalRow,
  status: number,
  bodyBytes: (operation: OperationRef) => number,
  { headers = {}, count = 20 }: { headers?: Record<string, string>; count?: number } = {},
): Promise<string[]> {
  const failures: string[] = [];
  for (let index = 0; index < count; index++) {
    const { api, operation } = bodyOperations[(row.offset + index) % bodyOperations.length]!;
    const example = exampleRequests(operation)[0];
    const mediaType = example?.mediaType ?? Object.keys(operation.requestBody!.content)[0]!;
    const url = operationUrl(urls[api]!, operation, example?.pathParams ?? {});
    const bytes = bodyBytes(operation);
    const outcome = await sendBody(row.client, {
      url: url.href,
      method: operation.method.toUpperCase(),
      headers: { 'content-type': mediaType, ...headers },
      body: Buffer.alloc(bytes, 'a'),
      framing: row.framing,
    });
    if ('error' in outcome || outcome.status !== status)
      failures.push(
        `${api} ${operation.operationId} (${bytes} bytes, ${row.framing}, ${row.client}): ${describeOutcome(outcome)}`,
      );
  }
  return failures;
}
