/**
 * The auth matrix, derived from the specs. Against a server that logs at `trace`, for every API
 * and operation that takes credentials:
 * - every credential case the contract suite derives: none, an undocumented scheme, a wrong value
 *   in each place the spec names (a body signature included), another source's key;
 * - the operation's own key sent where its spec does not put it (an undocumented header, the
 *   query, Bearer, Basic), and a malformed Basic header where the spec takes Basic.
 * Each must be refused with a 4xx the operation documents (401, or 400 where the key is a required
 * body field), and no answer or log line may contain a configured secret.
 */
import { casesFor, checkAnswer, type RequestCase, sendCase, type Target } from '@trackspec/contract-tests';
import { startServerProcess } from '@trackspec/harness';
import {
  admitsAnonymous,
  apiNames,
  type CredentialLocation,
  createAjv,
  credentialsToSend,
  exampleRequests,
  listOperations,
  loadDereferenced,
  type OperationRef,
} from '@trackspec/specs';
import { count, emptySummary, type Summary } from './summary.js';

const credentialKinds = new Set<RequestCase['kind']>([
  'no-auth',
  'wrong-auth',
  'wrong-credential',
  'second-source-credential',
]);

/** Places a key can be sent that a spec may not name: each is tried where the operation does not use it. */
const otherPlaces: CredentialLocation[] = [
  { in: 'header', name: 'X-Api-Key' },
  { in: 'query', name: 'key' },
  { in: 'authorization', scheme: 'bearer' },
  { in: 'authorization', scheme: 'basic' },
];

const samePlace = (a: CredentialLocation, b: CredentialLocation) =>
  a.in === b.in &&
  ('name' in a && 'name' in b ? a.name.toLowerCase() === b.name.toLowerCase() : true) &&
  ('scheme' in a && 'scheme' in b ? a.scheme === b.scheme : true);

/** Every place the operation takes a credential: its security schemes' and its body field. */
function placesOf(operation: OperationRef): CredentialLocation[] {
  const schemes = operation.security.flat().flatMap(({ location }) => (location ? [location] : []));
  const field = operation.requestBody?.credential;
  return field ? [...schemes, field] : schemes;
}

/**
 * The operation's first example, with the key it authenticates with (the server's, for this API)
 * moved to each place the spec does not name, and a malformed Basic header where it takes Basic.
 * Keys and signatures the example carries in its body are left out.
 */
function misplacedKeyCases(operation: OperationRef, credentials: Record<string, string>): RequestCase[] {
  const [credential] = credentialsToSend(operation);
  if (!credential) return [];
  const key = credentials[credential.name] ?? '';
  const example = exampleRequests(operation)[0]!;
  const bodyFields = [operation.requestBody?.credential, ...(operation.requestBody?.signatures ?? [])];
  const body =
    example.body && typeof example.body === 'object'
      ? Object.fromEntries(
          Object.entries(example.body).filter(([name]) => !bodyFields.some((field) => field?.name === name)),
        )
      : example.body;
  const base = {
    operation,
    kind: 'wrong-auth' as const,
    pathParams: example.pathParams,
    auth: 'none' as const,
    expect: '4xx' as const,
    ...(example.mediaType ? { mediaType: example.mediaType, body } : {}),
  };
  const places = placesOf(operation);
  const cases: RequestCase[] = otherPlaces
    .filter((place) => !places.some((used) => samePlace(place, used)))
    .map((place) => {
      const headers: Record<string, string> = {};
      const query = { ...example.query };
      if (place.in === 'header') headers[place.name.toLowerCase()] = key;
      else if (place.in === 'query') query[place.name] = key;
      else if (place.in === 'authorization')
        headers.authorization =
          place.scheme === 'basic' ? `Basic ${Buffer.from(`${key}:`).toString('base64')}` : `Bearer ${key}`;
      return { ...base, name: `its key in ${describePlace(place)} (not a place the spec names)`, headers, query };
    });
  if (places.some((place) => place.in === 'authorization' && place.scheme === 'basic'))
    cases.push({
      ...base,
      name: 'a malformed Basic header',
      query: example.query,
      headers: { authorization: 'Basic !!!not-base64' },
    });
  return cases;
}

function describePlace(place: CredentialLocation): string {
  if (place.in === 'authorization') return `Authorization (${place.scheme === 'basic' ? 'Basic' : 'Bearer'})`;
  return `the ${place.name} ${place.in === 'query' ? 'query parameter' : place.in}`;
}

export interface AuthMatrixResult extends Summary {
  /** Attempts answered otherwise than the spec allows for them. */
  mismatches: string[];
  /** Configured secrets that showed up in an answer or a log line. */
  leaks: string[];
}

export async function runAuthMatrix(): Promise<AuthMatrixResult> {
  const result: AuthMatrixResult = { ...emptySummary('auth matrix'), mismatches: [], leaks: [] };
  const server = await startServerProcess({ env: { LOG_LEVEL: 'trace' }, config: { announceCredentials: false } });
  const target: Target = { ...server, name: 'server (trace logs)' };
  const secrets = [
    server.adminToken,
    ...Object.values(server.credentials).flatMap((byName) => Object.values(byName)),
    // Shorter values (a fixed form field, say) could appear in a log line by chance.
  ].filter((secret) => secret.length >= 8);
  const ajv = createAjv();
  const cases: { api: string; request: RequestCase }[] = [];
  for (const api of apiNames) {
    const credentials = server.credentials[api] ?? {};
    for (const request of casesFor(api, target).plain)
      if (credentialKinds.has(request.kind)) cases.push({ api, request });
    for (const operation of listOperations(loadDereferenced(api))) {
      if (operation.source !== 'paths' || admitsAnonymous(operation)) continue;
      for (const request of misplacedKeyCases(operation, credentials)) cases.push({ api, request });
    }
  }
  let answers = '';
  try {
    for (const { api, request } of cases) {
      const label = `${api} ${request.operation.operationId}: ${request.name}`;
      const answer = await sendCase(api, target, request);
      for (const [name, value] of Object.entries(answer.headers)) answers += `${name}: ${value}\n`;
      answers += `${JSON.stringify(answer.body)}\n`;
      count(result, answer.status);
      for (const problem of checkAnswer(request, answer, ajv)) result.mismatches.push(`${label}: ${problem}`);
    }
  } finally {
    await server.stop();
  }
  const logs = server.output();
  for (const secret of new Set(secrets)) {
    if (answers.includes(secret)) result.leaks.push(`${secret.slice(0, 4)}… in an answer`);
    if (logs.includes(secret)) result.leaks.push(`${secret.slice(0, 4)}… in the logs`);
  }
  result.notes.push(
    `${cases.length} attempts over ${apiNames.length} APIs, ${result.mismatches.length} mismatches, ` +
      `${result.leaks.length} leaks, ${logs.split('\n').length} log lines checked`,
  );
  return result;
}
