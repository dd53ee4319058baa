/** The two ways trackspec holds JSON: as data it has yet to check, and as a spec it walks. */

/** A JSON object whose members are not known yet (a request body, an event): read them by checking. */
export type JsonObject = { [member: string]: unknown };

/**
 * An object of a dereferenced OpenAPI document (operation, parameter, media type, schema, security
 * scheme…), its members read loosely: `redocly lint` has checked the document's shape, so walking
 * it needs no checks at every step. Not for data from requests.
 */
// biome-ignore lint/suspicious/noExplicitAny: the one loose type for walking linted documents (see above)
export type SpecObject = { [member: string]: any };

/** `application/json` or any `+json` type (`application/problem+json`), with or without parameters. */
export const isJsonMediaType = (mediaType: string): boolean => /^application\/(.+\+)?json\s*(;|$)/i.test(mediaType);

/** The media type a `Content-Type` value names, without its parameters, in lower case; none without one. */
export function mediaTypeOf(contentType: string | null | undefined): string | undefined {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType || undefined;
}
