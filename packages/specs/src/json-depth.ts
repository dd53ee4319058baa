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
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c /* \ */) index++;
      else if (code === 0x22 /* " */) inString = false;
    } else if (code === 0x22) {
      inString = true;
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
