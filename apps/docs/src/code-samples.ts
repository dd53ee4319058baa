/**
 * Code samples for every operation (Redoc's `x-codeSamples`), generated from the spec's first named
 * example, never written by hand: `curl`, and TypeScript with `@trackspec/client`'s generic
 * `createApiClient`. Credentials come from environment variables named after the API and the
 * security scheme (`M1DAS_WRITE_KEY_HEADER`); keys the vendor's example bodies carry stay in the body.
 * The contract suite runs every sample against the mocks and the server (packages/contract-tests).
 */
import {
  credentialsToSend,
  type ExampleRequest,
  encodeBody,
  exampleRequests,
  isJsonMediaType,
  listOperations,
  type OpenApiDocument,
  type OperationRef,
  operationBaseUrl,
  operationUrl,
} from '@trackspec/specs';

export interface CodeSample {
  lang: string;
  label: string;
  source: string;
}

export interface OperationSamples {
  operation: OperationRef;
  request: ExampleRequest;
  curl: string;
  typescript: string;
  /** The environment variables the samples read, each with the security scheme whose credential it holds. */
  variables: Array<{ name: string; scheme: string }>;
}

/**
 * How a folder of TypeScript samples (each `<name>.ts`, beside a `package.json` of `"type": "module"`)
 * is compiled to check them: as strictly as a careful consumer's project, into `dist/`.
 */
export const samplesTsconfig = {
  compilerOptions: {
    target: 'es2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    types: ['node'],
    // The samples are what is checked; the client's declaration files are checked by its own build.
    // Checking them again made the compile 3x slower (over 120 s beside a whole CI run).
    skipLibCheck: true,
    outDir: 'dist',
  },
  include: ['*.ts'],
};

/** `M1DAS_WRITE_KEY_HEADER` for the m1das scheme `writeKeyHeader`. */
export function credentialVariable(api: string, scheme: string): string {
  const words = `${api}_${scheme}`.replace(/([a-z0-9])([A-Z])/g, '$1_$2');
  return words.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
}

/** The spec's first server URL, its variables at their defaults: where the samples send requests. */
export function documentedBaseUrl(document: OpenApiDocument): string {
  const server = (document.servers as Array<{ url: string; variables?: Record<string, { default: string }> }>)?.[0];
  if (!server) return 'http://localhost';
  return server.url.replace(/\{([^}]+)\}/g, (_, name: string) => server.variables?.[name]?.default ?? name);
}

const shellQuote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** The query string of the example's query parameters (free-form objects travel as their members). */
function queryEntries(query: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(query).flatMap(([name, value]) =>
    value && typeof value === 'object'
      ? Object.entries(value).map(([member, inner]): [string, string] => [member, String(inner)])
      : [[name, String(value)]],
  );
}

function bodyText(mediaType: string, body: unknown): string {
  return isJsonMediaType(mediaType) ? JSON.stringify(body, null, 2) : encodeBody(mediaType, body);
}

function curlSample(api: string, operation: OperationRef, request: ExampleRequest, baseUrl: string): string {
  const url = operationUrl(baseUrl, operation, request.pathParams);
  for (const [name, value] of queryEntries(request.query)) url.searchParams.append(name, value);
  const lines = [`curl --fail-with-body -X ${operation.method.toUpperCase()} ${shellQuote(url.href)}`];
  for (const { name, location } of credentialsToSend(operation)) {
    const variable = `$${credentialVariable(api, name)}`;
    if (location.in === 'header') lines.push(`-H "${location.name}: ${variable}"`);
    else if (location.in === 'query') lines.push(`--url-query "${location.name}=${variable}"`);
    else if (location.in === 'authorization' && location.scheme === 'basic') lines.push(`-u "${variable}"`);
    else if (location.in === 'authorization') lines.push(`-H "Authorization: Bearer ${variable}"`);
  }
  if (request.mediaType) {
    lines.push(`-H ${shellQuote(`Content-Type: ${request.mediaType}`)}`);
    lines.push(`--data-raw ${shellQuote(bodyText(request.mediaType, request.body))}`);
  }
  return lines.join(' \\\n  ');
}

/** A JSON value as a TypeScript literal, indented to sit at `indent`. */
const literal = (value: unknown, indent: string) => JSON.stringify(value, null, 2).replaceAll('\n', `\n${indent}`);

function typescriptSample(api: string, operation: OperationRef, request: ExampleRequest, baseUrl: string): string {
  const credentials = credentialsToSend(operation)
    .filter(({ location }) => location.in !== 'body')
    .map(({ name }) => `${JSON.stringify(name)}: process.env.${credentialVariable(api, name)} ?? ''`);
  const init: string[] = [];
  const params: string[] = [];
  if (Object.keys(request.pathParams).length > 0) params.push(`path: ${literal(request.pathParams, '    ')}`);
  if (Object.keys(request.query).length > 0) params.push(`query: ${literal(request.query, '    ')}`);
  if (params.length > 0) init.push(`params: {\n    ${params.join(',\n    ')},\n  }`);
  if (operation.serverPath !== undefined) init.push(`baseUrl: ${JSON.stringify(operationBaseUrl(baseUrl, operation))}`);
  if (request.mediaType) {
    if (!isJsonMediaType(request.mediaType))
      init.push(`headers: { 'Content-Type': ${JSON.stringify(request.mediaType)} }`);
    init.push(`body: ${literal(request.body, '  ')}`);
  }
  const call = `client.${operation.method.toUpperCase()}(${JSON.stringify(operation.path)}${
    init.length > 0 ? `, {\n  ${init.join(',\n  ')},\n}` : ''
  })`;
  return [
    "import { createApiClient } from '@trackspec/client';",
    '',
    `const client = createApiClient(${JSON.stringify(api)}, {`,
    `  baseUrl: ${JSON.stringify(baseUrl)},`,
    ...(credentials.length > 0 ? [`  credentials: { ${credentials.join(', ')} },`] : []),
    '  throwOnError: true,',
    '});',
    '',
    `const { data } = await ${call};`,
    'console.log(data);',
    '',
  ].join('\n');
}

/** The samples of every operation of a dereferenced document, from its first named example. */
export function operationSamples(api: string, document: OpenApiDocument, baseUrl: string): OperationSamples[] {
  return listOperations(document)
    .filter((operation) => operation.source === 'paths')
    .map((operation) => {
      const request = exampleRequests(operation)[0]!;
      return {
        operation,
        request,
        curl: curlSample(api, operation, request, baseUrl),
        typescript: typescriptSample(api, operation, request, baseUrl),
        variables: credentialsToSend(operation)
          .filter(({ location }) => location.in !== 'body')
          .map(({ name }) => ({ name: credentialVariable(api, name), scheme: name })),
      };
    });
}

/**
 * A copy of the bundled document with `x-codeSamples` on each operation, computed from the
 * dereferenced document (where every example is resolved).
 */
export function withCodeSamples(api: string, bundled: OpenApiDocument, dereferenced: OpenApiDocument): OpenApiDocument {
  const document = structuredClone(bundled);
  const baseUrl = documentedBaseUrl(dereferenced);
  for (const samples of operationSamples(api, dereferenced, baseUrl)) {
    const { path, method } = samples.operation;
    const target = (document.paths as Record<string, Record<string, Record<string, unknown>>>)[path]![method]!;
    target['x-codeSamples'] = [
      { lang: 'Shell', label: 'curl', source: samples.curl },
      { lang: 'TypeScript', label: 'TypeScript (@trackspec/client)', source: samples.typescript },
    ] satisfies CodeSample[];
  }
  return document;
}
