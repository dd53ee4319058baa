/**
 * Which operation of an API a request (method and URL path) is for, outside a server's router:
 * for readers of recorded requests (pact files), which may carry a path under the vendor's own
 * server path or under trackspec's base path. `OperationMatcher` matches; this tells an unknown path
 * from a method the path does not serve.
 */
import type { OpenApiDocument } from './document.js';
import { OperationMatcher } from './operation-matcher.js';
import { defaultBasePath, listOperations, mountPathOf, type OperationRef } from './operations.js';

export type OperationMatch =
  | { kind: 'operation'; operation: OperationRef; params: Record<string, string>; mountPath: string }
  /** The path is an operation's, but not for this method: the methods it serves. */
  | { kind: 'method'; allowed: string[] }
  | { kind: 'none' };

/**
 * The mount paths an API's operations may be read under: the path of the spec's first server (the
 * vendor's own host, e.g. `''` for m1das, `/admin` for admin) and trackspec's default base path
 * (`/m1das`, where the server mounts it). An operation with its own server has that server's path only.
 */
export function candidateBasePaths(api: string, document: OpenApiDocument): string[] {
  const url = (document.servers as { url?: string }[] | undefined)?.[0]?.url;
  const specPath = url === undefined ? '' : new URL(url.replace(/\{[^}]*\}/g, 'x'), 'http://x').pathname;
  return [...new Set([specPath.replace(/\/+$/, ''), defaultBasePath(api)])];
}

const matchers = new WeakMap<OpenApiDocument, Map<string, OperationMatcher<string>>>();

/** The operation a recorded request is for, under any of `basePaths` (see `OperationMatcher`). */
export function matchOperation(
  document: OpenApiDocument,
  basePaths: readonly string[],
  method: string,
  path: string,
): OperationMatch {
  const byBasePaths = matchers.get(document) ?? new Map<string, OperationMatcher<string>>();
  matchers.set(document, byBasePaths);
  const key = JSON.stringify(basePaths);
  const matcher =
    byBasePaths.get(key) ??
    new OperationMatcher(
      listOperations(document).flatMap((operation) =>
        basePaths.map((basePath) => ({ operation, basePath, tag: basePath })),
      ),
    );
  byBasePaths.set(key, matcher);
  const found = matcher.find(method, path);
  if (found)
    return {
      kind: 'operation',
      operation: found.operation,
      params: found.params,
      mountPath: mountPathOf(found.operation, found.tag),
    };
  const allowed = matcher.methodsAt(path);
  return allowed.length ? { kind: 'method', allowed } : { kind: 'none' };
}
