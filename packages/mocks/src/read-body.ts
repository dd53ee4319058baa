/**
 * A received body as the specs declare bodies, for the record and the verdict: an empty body is
 * none; gzip is decoded where the request says so; JSON (`application/json`, `+json`) is parsed, a
 * form becomes an object of strings, text stays text; any other type stays bytes (the verdict
 * names the media types the operation accepts). Where the spec says `x-trackspec-json-any-label`,
 * JSON bytes under another label are read as JSON, as the server reads them.
 */
import { gunzipSync } from 'node:zlib';
import { isJsonMediaType, mediaTypeOf, type RequestBodyRef, type Violation } from '@trackspec/specs';

export interface ReadBody {
  body: unknown;
  mediaType: string | undefined;
  /** Why the bytes could not be read (bad gzip, JSON that does not parse). */
  unreadable?: Violation;
}

export function readBody(
  bytes: Buffer,
  headers: Record<string, string | string[] | undefined>,
  requestBody: RequestBodyRef | undefined,
): ReadBody {
  let mediaType = mediaTypeOf(String(headers['content-type'] ?? ''));
  const encoding = String(headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  let decoded = bytes;
  if (bytes.length > 0 && encoding === 'gzip') {
    try {
      decoded = gunzipSync(bytes);
    } catch (error) {
      const detail = `the body is not valid gzip (${(error as Error).message})`;
      return {
        body: bytes,
        mediaType,
        unreadable: violation('header', '/content-encoding', 'contentEncoding', detail),
      };
    }
  }
  if (decoded.length === 0) return { body: undefined, mediaType };
  const text = decoded.toString('utf8');
  if (requestBody?.jsonAnyLabel && !(mediaType && isJsonMediaType(mediaType)) && /^\s*[[{]/.test(text))
    mediaType = 'application/json';
  if (mediaType && isJsonMediaType(mediaType)) {
    try {
      return { body: JSON.parse(text), mediaType };
    } catch (error) {
      return {
        body: text,
        mediaType,
        unreadable: violation('body', '', 'json', `is not valid JSON (${(error as Error).message})`),
      };
    }
  }
  if (mediaType === 'text/plain') return { body: text, mediaType };
  if (mediaType === 'application/x-www-form-urlencoded')
    return { body: Object.fromEntries(new URLSearchParams(text)), mediaType };
  return { body: decoded, mediaType };
}

const violation = (location: Violation['in'], pointer: string, keyword: string, detail: string): Violation => ({
  in: location,
  pointer,
  keyword,
  detail,
});
