import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { OpenApiDocument } from './document.js';
import type { ApiEntry, Registry } from './registry.js';

export type { OpenApiDocument } from './document.js';
export type { ApiEntry, Registry } from './registry.js';

export type BundleKind = keyof ApiEntry['files'];

/** The APIs of one bundle folder (`registry.json` and the bundles `scripts/bundle.ts` wrote there). */
export interface BundledRegistry {
  /** The bundle folder, absolute. */
  dir: string;
  /** Every registered API, in registry order. */
  apis: readonly ApiEntry[];
  /** Registry names, e.g. `['m1das', 'tto', ...]`. */
  apiNames: readonly string[];
  getApi(name: string): ApiEntry;
  /** Absolute path of one of an API's bundle files. */
  bundlePath(name: string, kind?: BundleKind): string;
  /** The bundled document (internal `$ref`s kept). A fresh copy on every call. */
  loadBundled(name: string): OpenApiDocument;
  /** The fully dereferenced document (no `$ref`). A fresh copy on every call. */
  loadDereferenced(name: string): OpenApiDocument;
}

/** The registry of a bundle folder other than this package's own (e.g. `bundle.ts --out <dir>`). */
export function createRegistry(dir: string | URL): BundledRegistry {
  const base = typeof dir === 'string' ? pathToFileURL(dir.endsWith('/') ? dir : `${dir}/`) : dir;
  const readJson = <T>(relative: string): T => JSON.parse(readFileSync(new URL(relative, base), 'utf8')) as T;
  const apis: readonly ApiEntry[] = Object.freeze(readJson<Registry>('registry.json').apis);
  const apiNames: readonly string[] = Object.freeze(apis.map((api) => api.name));
  const getApi = (name: string): ApiEntry => {
    const api = apis.find((candidate) => candidate.name === name);
    if (!api) throw new Error(`Unknown API "${name}"; registered: ${apiNames.join(', ')}`);
    return api;
  };
  return {
    dir: fileURLToPath(base),
    apis,
    apiNames,
    getApi,
    bundlePath: (name, kind = 'bundled') => fileURLToPath(new URL(getApi(name).files[kind], base)),
    loadBundled: (name) => readJson<OpenApiDocument>(getApi(name).files.bundled),
    loadDereferenced: (name) => readJson<OpenApiDocument>(getApi(name).files.dereferenced),
  };
}

/**
 * The registry every tool uses: this package's `bundled/`, or the folder `TRACKSPEC_BUNDLED_DIR`
 * names (a registry bundled elsewhere, e.g. by the add-an-API test, so that mocks, clients and the
 * contract suite run on it unchanged).
 */
const registry = createRegistry(process.env.TRACKSPEC_BUNDLED_DIR || new URL('../bundled/', import.meta.url));

/** Every registered API, in registry order. */
export const apis: readonly ApiEntry[] = registry.apis;

/** Registry names, e.g. `['m1das', 'tto', ...]`. */
export const apiNames: readonly string[] = registry.apiNames;

export const getApi: (name: string) => ApiEntry = registry.getApi;

/** Absolute path of one of an API's bundle files. */
export const bundlePath: (name: string, kind?: BundleKind) => string = registry.bundlePath;

/** The bundled document (internal `$ref`s kept). A fresh copy on every call. */
export const loadBundled: (name: string) => OpenApiDocument = registry.loadBundled;

/** The fully dereferenced document (no `$ref`). A fresh copy on every call. */
export const loadDereferenced: (name: string) => OpenApiDocument = registry.loadDereferenced;

export { createAjv, type ErrorObject, type ValidateFunction, validateCarriedJson } from './ajv.js';
export {
  base64,
  type CredentialLocation,
  type CredentialNames,
  chooseAlternative,
  credentialLocationOf,
  credentialNamesOf,
  isVerifiableSignature,
  placeCredential,
  type RequestParts,
  type SchemeDescription,
  signatureOf,
} from './credentials.js';
export { type ExampleRequest, exampleParameters, exampleRequests, exampleValue } from './example-requests.js';
export { collectExamples, type ExampleRef } from './examples.js';
export { type ApiFacts, deriveApiFacts, identifierOf, type OperationFacts, type SecuritySchemeFacts } from './facts.js';
export { isJsonMediaType, type JsonObject, mediaTypeOf, type SpecObject } from './json.js';
export { defaultMaxDepth, jsonDepth } from './json-depth.js';
export { candidateBasePaths, matchOperation, type OperationMatch } from './operation-match.js';
export { type MatchedOperation, OperationMatcher } from './operation-matcher.js';
export {
  admitsAnonymous,
  type BodySignature,
  defaultBasePath,
  defaultMaxBodyBytes,
  getOperation,
  type HttpMethod,
  httpMethods,
  listOperations,
  mountPathOf,
  type OperationRef,
  type RequestBodyRef,
  type SecurityAlternative,
  type SecurityRequirement,
} from './operations.js';
export {
  asReceived,
  credentialsToSend,
  encodeBody,
  operationBaseUrl,
  operationUrl,
} from './outgoing-request.js';
export {
  type CheckOptions,
  compileCheck,
  type PrecompiledChecks,
  precompiledKey,
} from './precompiled.js';
export {
  bodyCredential,
  describeCredentialLocation,
  locationPointer,
  type ReceivedParts,
  readCredential,
} from './presented-credentials.js';
export {
  type ApiChanges,
  type ChangeImpact,
  type ClassifiedChange,
  loadReleaseHistory,
  type ReleaseHistory,
  type ReleaseRecord,
} from './releases.js';
export { compileInputReader, type IncomingRequest } from './request-input.js';
export { compileQueryReader, type PointedError, parametersSchema, pointedErrors } from './request-reading.js';
export {
  compileRequestValidator,
  compileSchemaCheck,
  type RequestInput,
  type RequestVerdict,
  requestCheckOptions,
  requestCheckSchemas,
  type Violation,
} from './request-validation.js';
export {
  type BodyCheck,
  compileRequestVerdict,
  type RequestChecks,
  type SchemaCheck,
  type VerdictOperation,
} from './request-verdict.js';
export {
  documentedResponse,
  type ResponseFinding,
  responseFindings,
  responseProblems,
  type SchemaCompiler,
} from './responses.js';
