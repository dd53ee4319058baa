/**
 * Which operation of an API a request (method and URL path) is for, outside a server's router:
 * for readers of recorded requests (pact files). A path is read relative to each mount path the
 * operation can live under; among templates that match, the one with more literal segments wins
 * (`/v1/b` over `/v1/{segment-call}`), as OpenAPI asks ("concrete paths before templated ones").
 */
import type { OpenApiDocument } from './document.js';
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

export function matchOperation(
  document: OpenApiDocument,
  basePaths: readonly string[],
  method: string,
  path: string,
): OperationMatch {
  const wanted = method.toLowerCase();
  const matches: { operation: OperationRef; params: Record<string, string>; mountPath: string; literals: number }[] =
    [];
  for (const operation of listOperations(document)) {
    if (operation.source !== 'paths') continue;
    const mountPaths = operation.serverPath === undefined ? basePaths : [mountPathOf(operation, '')];
    for (const mountPath of mountPaths) {
      if (mountPath && !(path === mountPath || path.startsWith(`${mountPath}/`))) continue;
      const params = matchTemplate(operation.path, path.slice(mountPath.length) || '/');
      if (!params) continue;
      const literals = operation.path.split('/').filter((segment) => segment && !segment.includes('{')).length;
      matches.push({ operation, params, mountPath, literals: literals + (mountPath ? 1 : 0) });
    }
  }
  if (matches.length === 0) return { kind: 'none' };
  const best = Math.max(...matches.map((match) => match.literals));
  const concrete = matches.filter((match) => match.literals === best);
  const found = concrete.find((match) => match.operation.method === wanted);
  if (found) return { kind: 'operation', operation: found.operation, params: found.params, mountPath: found.mountPath };
  const forMethod = matches.find((match) => match.operation.method === wanted);
  if (forMethod)
    return {
      kind: 'operation',
      operation: forMethod.operation,
      params: forMethod.params,
      mountPath: forMethod.mountPath,
    };
  return { kind: 'method', allowed: [...new Set(concrete.map((match) => match.operation.method.toUpperCase()))] };
}

/** A path segment percent-decoded; one that is not percent-encoded (a decoded path's `50%`) as it is. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Path parameters by name (percent-decoded) when the path fits the template, one segment per parameter. */
function matchTemplate(template: string, path: string): Record<string, string> | undefined {
  const expected = template.split('/');
  const actual = path.split('/');
  if (expected.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, segment] of expected.entries()) {
    const value = actual[index]!;
    const name = /^\{([^}]+)\}$/.exec(segment)?.[1];
    if (name === undefined) {
      if (segment !== value) return undefined;
    } else {
      if (!value) return undefined;
      params[name] = decodedSegment(value);
    }
  }
  return params;
}
