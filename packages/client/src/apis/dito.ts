import { apiFacts, type dito, signatureOf } from '@trackspec/types';
import { type ContractCheckOptions, createApiClient } from '../api-client.js';
import type { WithClientFilledBody } from '../body-types.js';
import { formFieldsCredential } from '../credentials.js';
import type { ClientOptions, TypedClient } from '../typed-client.js';

export type DitoEvent = dito.components['schemas']['DitoEvent'];

/** Form fields the client fills: the credentials and the two constants the spec fixes. */
type FilledFields = 'platform_api_key' | 'sha1_signature' | 'id_type' | 'network_name';

/** Dito's paths with credentials filled by the client, and `event` given as an object (or its JSON string). */
export type DitoPaths = WithClientFilledBody<dito.paths, FilledFields, { event: DitoEvent | string }>;

export interface DitoClientOptions<ThrowOnError extends boolean = false>
  extends ClientOptions<ThrowOnError>,
    ContractCheckOptions {
  /** The application's API key (`platform_api_key`). */
  apiKey: string;
  /** The application's SECRET_KEY; the client sends its lowercase hex SHA-1 as `sha1_signature`, never the secret. */
  secret: string;
}

export type DitoClient<ThrowOnError extends boolean = false> = TypedClient<DitoPaths, ThrowOnError>;

/** Form-encodes a body, turning an `event` object into the JSON string the API expects. */
function serializeForm(body: unknown): string {
  const form = new URLSearchParams();
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (value === undefined) continue;
    form.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  }
  return form.toString();
}

/**
 * The generic client (Dito's spec declares no security scheme) with Dito's quirks: a form body
 * whose `event` is JSON text, and credentials as form fields (the key and the secret's SHA-1).
 */
export function createDitoClient<ThrowOnError extends boolean = false>(
  options: DitoClientOptions<ThrowOnError>,
): DitoClient<ThrowOnError> {
  // `sha1_signature` is made as the spec's `x-body-signatures` says (`sha1-hex`).
  const signature = signatureOf('sha1-hex', options.secret);
  const fields = async () => ({
    id_type: 'id',
    network_name: 'pt',
    platform_api_key: options.apiKey,
    sha1_signature: (await signature)!,
  });
  return createApiClient<DitoPaths, typeof apiFacts.dito, ThrowOnError>(apiFacts.dito, options, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    bodySerializer: serializeForm,
    middleware: [formFieldsCredential(fields)],
  });
}
