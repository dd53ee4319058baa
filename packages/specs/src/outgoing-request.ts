/**
 * Building a request as an operation describes it, for whoever sends one from the spec alone (the
 * contract suite, the fuzzer): its URL, where its credentials go, and the text its body travels as.
 */
import { type CredentialLocation, chooseAlternative } from './credentials.js';
import { isJsonMediaType } from './json.js';
import { mountPathOf, type OperationRef } from './operations.js';

/** The base URL of an operation: the API's, unless the operation has its own server, whose path replaces the API's. */
export function operationBaseUrl(apiBaseUrl: string, operation: OperationRef): string {
  if (operation.serverPath === undefined) return apiBaseUrl;
  return new URL(apiBaseUrl).origin + mountPathOf(operation, '');
}

/** The operation's URL with its path parameters filled in, each encoded as one segment. */
export function operationUrl(apiBaseUrl: string, operation: OperationRef, pathParams: Record<string, unknown>): URL {
  const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
    encodeURIComponent(String(pathParams[name])),
  );
  return new URL(operationBaseUrl(apiBaseUrl, operation).replace(/\/+$/, '') + path);
}

/**
 * What a sender holding every credential sends to authenticate: the requirements of the security
 * alternative `chooseAlternative` picks, else the body field the spec carries the key in, else
 * nothing. Each is named as the credentials of a target are: by scheme name, or by body field name.
 */
export function credentialsToSend(operation: OperationRef): { name: string; location: CredentialLocation }[] {
  const alternative = chooseAlternative(operation.security);
  if (alternative)
    return alternative.map(({ name, scheme, location }) => {
      if (!location) throw new Error(`Security scheme ${name} (${String(scheme.type)}) cannot be sent from the spec`);
      return { name, location };
    });
  const field = operation.requestBody?.credential;
  return field ? [{ name: field.name, location: field }] : [];
}

const formMediaType = 'application/x-www-form-urlencoded';

/**
 * The text a body travels as: a form's fields, JSON's text; under any other media type a string
 * as it is (e.g. XML) and any other value as JSON text (JSON sent as `text/plain`).
 */
export function encodeBody(mediaType: string, body: unknown): string {
  if (mediaType === formMediaType) return new URLSearchParams(formFields(body)).toString();
  if (typeof body === 'string' && !isJsonMediaType(mediaType)) return body;
  return JSON.stringify(body);
}

/** A body as the receiver parses it back: a form turns every value into a string; other media types keep it. */
export function asReceived(mediaType: string, body: unknown): unknown {
  return mediaType === formMediaType ? formFields(body) : body;
}

/** A form's fields: non-string values travel as their JSON text; an array's items become indexed fields; no object, no fields. */
function formFields(body: unknown): Record<string, string> {
  if (body === null || typeof body !== 'object') return {};
  return Object.fromEntries(
    Object.entries(body).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]),
  );
}
