/**
 * An answer as a mutation sees it: status, media type, headers and the body parsed where it is JSON.
 * The proxy reads the server's bytes into one and writes a mutated one back out.
 */
import { type createAjv, isJsonMediaType, type OperationRef } from '@trackspec/specs';

export interface MutableAnswer {
  status: number;
  /** The media type without parameters, lower case (`''` when the answer has no Content-Type). */
  mediaType: string;
  /** Every other header, by lower-case name (Content-Type, Content-Length and hop-by-hop ones excluded). */
  headers: Record<string, string>;
  /** Parsed JSON for a JSON media type whose text parses; otherwise the text (undefined when empty). */
  body: unknown;
}

/** What a mutation knows about the answer's request: the operation that documents it. */
export interface OperationContext {
  api: string;
  operation: OperationRef;
  /** `createAjv()`, to judge whether a changed body still fits its schema. */
  ajv: ReturnType<typeof createAjv>;
}

export function parseBody(mediaType: string, text: string): unknown {
  if (text === '') return undefined;
  if (!isJsonMediaType(mediaType)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The body's bytes: a string travels as it is unless the media type is JSON (then every body is JSON text). */
export function serializeBody({ mediaType, body }: Pick<MutableAnswer, 'mediaType' | 'body'>): string {
  if (body === undefined) return '';
  return typeof body === 'string' && !isJsonMediaType(mediaType) ? body : JSON.stringify(body);
}
