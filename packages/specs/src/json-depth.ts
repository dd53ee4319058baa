/**
 * The nesting-depth limit of JSON in request bodies (`x-max-depth`, see specs/README.md
 * "Extensions"): how deep a JSON text nests, measured on the text itself — counting `[` and `{`
 * outside strings, iteratively — so that a hostile body is refused before it is parsed, and no
 * value accepted can overflow the stack of whatever later walks or serialises it.
 */

/**
 * The limit where a request body declares none: every JSON value a request carries (the body,
 * JSON sent as `text/plain`, gzip-decoded, or carried in a form field) nests at most this deep.
 */
export const defaultMaxDepth = 64;

/**
 * The depth of a JSON text: 0 for a scalar, 1 for `{}` or `[]`, one more per level of nesting.
 * Stops counting (and answers `limit + 1`) as soon as the text goes past `limit`. Text that is not
 * JSON gets the depth of its brackets outside strings.
 */
export function jsonDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22 /* " */) {
      // Most of an event's bytes are inside strings: jump to the closing quote (indexOf is native),
      // past quotes escaped by an odd run of backslashes.
      index = closingQuote(text, index + 1);
      if (index === -1) break;
    } else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === 0x5d /* ] */ || code === 0x7d /* } */) {
      if (depth > 0) depth--;
    }
  }
  return deepest;
}

/** The index of the quote that ends a string opened just before `from`, or -1 if it never ends. */
function closingQuote(text: string, from: number): number {
  for (let quote = text.indexOf('"', from); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (quote - backslashes - 1 >= from && text.charCodeAt(quote - backslashes - 1) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
}
