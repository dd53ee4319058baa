/**
 * Which operation of which API a request the proxy forwards is for: the proxy judges an answer against
 * the operation that documents it. Built from each API's dereferenced spec and the base URLs the
 * server serves the APIs at (an operation with its own server path, like the admin probes, lives there).
 */
import { listOperations, loadDereferenced, OperationMatcher, type OperationRef } from '@trackspec/specs';

export interface RoutedOperation {
  api: string;
  operation: OperationRef;
}

export class OperationRoutes {
  readonly #matcher: OperationMatcher<string>;

  /** `urls`: the base URL per API, as the server's `urls` gives them (only their paths matter). */
  constructor(urls: Record<string, string>) {
    this.#matcher = new OperationMatcher(
      Object.entries(urls).flatMap(([api, url]) =>
        listOperations(loadDereferenced(api)).map((operation) => ({
          operation,
          basePath: new URL(url).pathname,
          tag: api,
        })),
      ),
    );
  }

  /** The most specific operation whose method and path template match, if any. */
  find(method: string, pathname: string): RoutedOperation | undefined {
    const match = this.#matcher.find(method, pathname);
    return match && { api: match.tag, operation: match.operation };
  }
}
