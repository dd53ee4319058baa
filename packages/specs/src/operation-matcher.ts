/**
 * Which operation a request is for: its method, and its path against every operation's path
 * template under the path the operation is served at (see `mountPathOf`). The most specific
 * template wins (`/v1/batch` before `/v1/{type}`), as in a router.
 */
import { mountPathOf, type OperationRef } from './operations.js';

export interface MatchedOperation<Tag> {
  operation: OperationRef;
  /** Path parameters by their spec names, percent-decoded (a malformed escape kept as sent). */
  params: Record<string, string>;
  /** What the caller attached to the operation (e.g. its API's name). */
  tag: Tag;
}

interface Route<Tag> {
  operation: OperationRef;
  tag: Tag;
  method: string;
  pattern: RegExp;
  names: string[];
  /** Characters of the template outside `{parameters}`: the more, the more specific the route. */
  literalLength: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // a malformed escape stays as sent; the parameter's schema judges it
  }
};

export class OperationMatcher<Tag = undefined> {
  readonly #routes: Route<Tag>[];

  /** `basePath`: where the operations without a server of their own are served (`''` for the root). */
  constructor(entries: Iterable<{ operation: OperationRef; basePath: string; tag: Tag }>) {
    this.#routes = [...entries]
      .filter(({ operation }) => operation.source === 'paths')
      .map(({ operation, basePath, tag }) => {
        const template = mountPathOf(operation, basePath) + operation.path;
        const names = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]!);
        const literals = template.split(/\{[^}]+\}/);
        return {
          operation,
          tag,
          method: operation.method.toUpperCase(),
          pattern: new RegExp(`^${literals.map(escapeRegExp).join('([^/]+)')}$`),
          names,
          literalLength: literals.join('').length,
        };
      })
      .sort((a, b) => b.literalLength - a.literalLength);
  }

  /** The most specific operation whose method and path template match, if any. */
  find(method: string, pathname: string): MatchedOperation<Tag> | undefined {
    const wanted = method.toUpperCase();
    for (const route of this.#routes) {
      if (route.method !== wanted) continue;
      const match = route.pattern.exec(pathname);
      if (!match) continue;
      const params = Object.fromEntries(route.names.map((name, index) => [name, decoded(match[index + 1]!)]));
      return { operation: route.operation, params, tag: route.tag };
    }
    return undefined;
  }

  /** The methods some operation serves at this path (upper case): what a `405` would allow. */
  methodsAt(pathname: string): string[] {
    const methods = this.#routes.filter((route) => route.pattern.test(pathname)).map((route) => route.method);
    return [...new Set(methods)];
  }
}
