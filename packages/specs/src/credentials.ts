/**
 * Where credentials travel and how a sender places them: one model for every reader of the specs
 * (the server, the typed client, the contract suite, the fuzzer). It uses no Node built-in, so the
 * client can run it in browsers (`@trackspec/specs/credentials`).
 */

/** Where one credential travels. */
export type CredentialLocation =
  | { in: 'header' | 'query' | 'cookie'; name: string }
  /** HTTP authentication: `Authorization: Basic <base64 of the credential>` or `Bearer <credential>`. */
  | { in: 'authorization'; scheme: 'basic' | 'bearer' }
  /** A field of the request body (`x-body-credential`), where no security scheme can say it. */
  | { in: 'body'; name: string };

/** A security scheme as the spec declares it, or as `apiFacts` keeps it. */
export interface SchemeDescription {
  readonly type?: unknown;
  readonly in?: unknown;
  readonly name?: unknown;
  readonly scheme?: unknown;
}

/**
 * Where a security scheme's credential travels: an `apiKey` in its header, query parameter or
 * cookie; HTTP `basic` and `bearer` in `Authorization`, and OAuth 2 and OpenID Connect as bearer
 * tokens. Undefined for the rest (mutual TLS, other HTTP schemes), which no sender can place.
 */
export function credentialLocationOf(scheme: SchemeDescription): CredentialLocation | undefined {
  if (scheme.type === 'apiKey' && (scheme.in === 'header' || scheme.in === 'query' || scheme.in === 'cookie'))
    return { in: scheme.in, name: String(scheme.name) };
  if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return { in: 'authorization', scheme: 'bearer' };
  const httpScheme = String(scheme.scheme).toLowerCase();
  if (scheme.type === 'http' && (httpScheme === 'basic' || httpScheme === 'bearer'))
    return { in: 'authorization', scheme: httpScheme };
  return undefined;
}

/** Where a set of documents' security schemes put credentials: what logs and recordings leave out. */
export interface CredentialNames {
  /** Lower-case header names that carry credentials (`authorization` for HTTP schemes, `cookie` for cookie keys). */
  headers: string[];
  /** Query parameter names that carry credentials (e.g. m1das `writekey`, TTO `api_key`). */
  query: string[];
}

export function credentialNamesOf(
  documents: readonly { components?: { securitySchemes?: Record<string, SchemeDescription> } }[],
): CredentialNames {
  const headers = new Set<string>();
  const query = new Set<string>();
  for (const document of documents) {
    for (const scheme of Object.values(document.components?.securitySchemes ?? {})) {
      const location = credentialLocationOf(scheme);
      if (location?.in === 'authorization') headers.add('authorization');
      else if (location?.in === 'header') headers.add(location.name.toLowerCase());
      else if (location?.in === 'cookie') headers.add('cookie');
      else if (location?.in === 'query') query.add(location.name);
    }
  }
  return { headers: [...headers], query: [...query] };
}

/**
 * The security alternative a sender uses: the first that names schemes, every one of which the
 * sender holds a credential for (an empty alternative, "optional", is never chosen over one it can
 * meet). Undefined when it can meet none.
 */
export function chooseAlternative<Requirement>(
  alternatives: readonly (readonly Requirement[])[],
  holds: (requirement: Requirement) => boolean = () => true,
): readonly Requirement[] | undefined {
  return alternatives.find((alternative) => alternative.length > 0 && alternative.every(holds));
}

/** A request being built: header and query values by name, and the body as a value (encoded when sent). */
export interface RequestParts {
  headers: Record<string, string>;
  query: Record<string, string>;
  body?: unknown;
}

/**
 * Puts a credential where it travels. HTTP Basic encodes the credential whole: pass `user:password`
 * (m1das: `key:`). A cookie is added to those already in the `cookie` header.
 */
export function placeCredential(request: RequestParts, location: CredentialLocation, value: string): void {
  switch (location.in) {
    case 'header':
      request.headers[location.name] = value;
      return;
    case 'query':
      request.query[location.name] = value;
      return;
    case 'cookie': {
      const cookie = `${location.name}=${value}`;
      request.headers.cookie = request.headers.cookie ? `${request.headers.cookie}; ${cookie}` : cookie;
      return;
    }
    case 'body':
      if (request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body))
        (request.body as Record<string, unknown>)[location.name] = value;
      return;
    case 'authorization':
      request.headers.authorization = location.scheme === 'basic' ? `Basic ${base64(value)}` : `Bearer ${value}`;
  }
}

/** Base64 of UTF-8 text, in Node and browsers alike (`btoa` alone only takes Latin-1). */
export function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * The signature a body carries for a source's secret (`x-body-signatures`), for the algorithms
 * that need the secret alone: `sha1-hex`, the lowercase hexadecimal SHA-1 of the secret. Undefined
 * for any other algorithm (Dito's RSA `signature`), which no reader of the spec can make or check.
 * Web Crypto, so in Node and browsers alike.
 */
export async function signatureOf(algorithm: string, secret: string): Promise<string | undefined> {
  if (algorithm !== 'sha1-hex') return undefined;
  const digest = await crypto.subtle.digest('SHA-1', new TextEncoder().encode(secret));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Whether `signatureOf` can make (and so a receiver check) a signature of this algorithm. */
export function isVerifiableSignature(algorithm: string): boolean {
  return algorithm === 'sha1-hex';
}
