import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { OpenApiDocument } from './document.js';
import type { ApiEntry, Registry } from './registry.js';

export type { OpenApiDocument } from './document.js';
export type { ApiEntry, Registry } from './registry.js';

const bundledDir = new URL('../bundled/', import.meta.url);

function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(new URL(relative, bundledDir), 'utf8')) as T;
}

/** Every registered API, in registry order. */
export const apis: readonly ApiEntry[] = Object.freeze(readJson<Registry>('registry.json').apis);

/** Registry names, e.g. `['m1das', 'tto', ...]`. */
export const apiNames: readonly string[] = Object.freeze(apis.map((api) => api.name));

export function getApi(name: string): ApiEntry {
  const api = apis.find((candidate) => candidate.name === name);
  if (!api) throw new Error(`Unknown API "${name}"; registered: ${apiNames.join(', ')}`);
  return api;
}

export type BundleKind = keyof ApiEntry['files'];

/** Absolute path of one of an API's bundle files. */
export function bundlePath(name: string, kind: BundleKind = 'bundled'): string {
  return fileURLToPath(new URL(getApi(name).files[kind], bundledDir));
}

/** The bundled document (internal `$ref`s kept). A fresh copy on every call. */
export function loadBundled(name: string): OpenApiDocument {
  return readJson<OpenApiDocument>(getApi(name).files.bundled);
}

/** The fully dereferenced document (no `$ref`). A fresh copy on every call. */
export function loadDereferenced(name: string): OpenApiDocument {
  return readJson<OpenApiDocument>(getApi(name).files.dereferenced);
}

export { createAjv, type ErrorObject, type ValidateFunction } from './ajv.js';
export { collectExamples, type ExampleRef } from './examples.js';
export type { JsonObject, SpecObject } from './json.js';
export { type Mutation, type MutationKind, schemaBreakingMutations } from './mutations.js';
export {
  type CredentialLocation,
  credentialLocationOf,
  getOperation,
  type HttpMethod,
  httpMethods,
  listOperations,
  type OperationRef,
  type RequestBodyRef,
  type SecurityAlternative,
  type SecurityRequirement,
} from './operations.js';
export {
  asReceived,
  credentialsToSend,
  encodeBody,
  type OutgoingRequest,
  operationBaseUrl,
  operationUrl,
  placeCredential,
} from './outgoing-request.js';
export { documentedResponse, responseProblems } from './responses.js';
