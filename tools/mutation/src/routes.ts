/**
 * Which operation of which API a request the proxy forwards is for: the proxy judges an answer against
 * the operation that documents it. Built from each API's dereferenced spec and the base URLs the
 * server serves the APIs at (an operation with its own server path, like the admin probes, lives there).
 */
import { listOperations, loadDereferenced, mountPathOf, type OperationRef } from '@trackspec/specs';

export interface RoutedOperation {
  api: string;
  operation: OperationRef;
}

interface Route extends RoutedOperation {
  method: string;
  pattern: RegExp;
  /** Characters of the path template outside `{parameters}`: the more, the more specific the route. */
  literalLength: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function routeOf(api: string, basePath: string, operation: OperationRef): Route {
  const template = mountPathOf(operation, basePath) + operation.path;
  const parts = template.split(/\{[^}]+\}/);
  return {
    api,
    operation,
    method: operation.method.toUpperCase(),
    pattern: new RegExp(`^${parts.map(escapeRegExp).join('[^/]+')}$`),
    literalLength: parts.join('').length,
  };
}

export class OperationRoutes {
  readonly #routes: Route[];

  /** `urls`: the base URL per API, as the server's `urls` gives them (only their paths matter). */
  constructor(urls: Record<string, string>) {
    this.#routes = Object.entries(urls)
      .flatMap(([api, url]) =>
        listOperations(loadDereferenced(api))
          .filter((operation) => operation.source === 'paths')
          .map((operation) => routeOf(api, new URL(url).pathname, operation)),
      )
      .sort((a, b) => b.literalLength - a.literalLength);
  }

  /** The most specific operation whose method and path template match, if any. */
  find(method: string, pathname: string): RoutedOperation | undefined {
    const route = this.#routes.find(
      (candidate) => candidate.method === method.toUpperCase() && candidate.pattern.test(pathname),
    );
    return route && { api: route.api, operation: route.operation };
  }
}
