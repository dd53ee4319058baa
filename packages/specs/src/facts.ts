/**
 * The facts of a spec that run-time code needs but cannot read from a bundle (a browser client):
 * where each security scheme puts its credential, each operation's effective security, and the
 * request body limits. `packages/types` writes them, per API, into a generated module; Node code
 * (the contract suite) can derive them from a loaded document the same way.
 */
import type { OpenApiDocument } from './document.js';
import type { SpecObject } from './json.js';
import { admitsAnonymous, type HttpMethod, listOperations } from './operations.js';

/**
 * Where a scheme's credential goes. `http` schemes keep their (lowercased) scheme name: `basic`,
 * `bearer`, ... Read-only, so that the generated `apiFacts` (`as const`) are ApiFacts.
 */
export type SecuritySchemeFacts =
  | { readonly type: 'apiKey'; readonly in: 'header' | 'query' | 'cookie'; readonly name: string }
  | { readonly type: 'http'; readonly scheme: string }
  | { readonly type: 'oauth2' | 'openIdConnect' | 'mutualTLS' };

export interface OperationFacts {
  readonly method: HttpMethod;
  readonly path: string;
  /**
   * The effective security (the operation's, else the document's): alternatives, each the names
   * of the schemes that must all be sent. No alternative: no credentials; an empty one: optional.
   */
  readonly security: readonly (readonly string[])[];
  /** The request body field that carries the key (`x-body-credential`), when the spec names one. */
  readonly bodyCredential?: string;
  /** Whether a request without any credential is served (`admitsAnonymous`). */
  readonly anonymous: boolean;
  /** The request body's `x-max-body-bytes`, when the spec sets one. */
  readonly maxBodyBytes?: number;
  /** The request body's `x-max-event-bytes` (largest event inside a batch), when the spec sets one. */
  readonly maxEventBytes?: number;
  /** The request body's `x-max-depth` (deepest JSON nesting), when the spec sets one. */
  readonly maxDepth?: number;
}

/** What run-time code knows of one API's spec; `@trackspec/types` generates one per registered API (`apiFacts`). */
export interface ApiFacts {
  readonly securitySchemes: { readonly [scheme: string]: SecuritySchemeFacts };
  /** The operations of `paths` (not webhooks), by operationId. */
  readonly operations: { readonly [operationId: string]: OperationFacts };
}

function schemeFacts(name: string, scheme: SpecObject): SecuritySchemeFacts {
  const type = scheme.type;
  if (type === 'apiKey') return { type, in: scheme.in as 'header' | 'query' | 'cookie', name: String(scheme.name) };
  if (type === 'http') return { type, scheme: String(scheme.scheme).toLowerCase() };
  if (type === 'oauth2' || type === 'openIdConnect' || type === 'mutualTLS') return { type };
  throw new Error(`Security scheme ${name} has an unknown type ${JSON.stringify(type)}`);
}

/** The facts of a *dereferenced* document. */
export function deriveApiFacts(document: OpenApiDocument): ApiFacts {
  const schemes = (document.components?.securitySchemes ?? {}) as Record<string, SpecObject>;
  const securitySchemes = Object.fromEntries(
    Object.entries(schemes).map(([name, scheme]) => [name, schemeFacts(name, scheme)]),
  );
  const operations: Record<string, OperationFacts> = {};
  for (const operation of listOperations(document)) {
    const { source, path, method, operationId, security, requestBody } = operation;
    if (source !== 'paths') continue;
    operations[operationId] = {
      method,
      path,
      security: security.map((alternative) => alternative.map((requirement) => requirement.name)),
      ...(requestBody?.credential ? { bodyCredential: requestBody.credential.name } : {}),
      anonymous: admitsAnonymous(operation),
      ...requestBody?.limits,
    };
  }
  return { securitySchemes, operations };
}

/** A registry name as a TypeScript identifier: `m1das`, `hellotext`, `my-api` → `myApi` (non-identifier characters dropped). */
export function identifierOf(name: string): string {
  return name.replace(/[^A-Za-z0-9_$]+(.)?/g, (_, next: string | undefined) => (next ?? '').toUpperCase());
}
