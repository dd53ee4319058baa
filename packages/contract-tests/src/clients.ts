/**
 * The typed client of each API, as a user would create it (retries off: the suite sees every
 * answer). An API with a client factory of its own (credentials a spec cannot place: in bodies,
 * form fields, a signature) is created with it; every other API gets the generic client, with the
 * target's credentials by security scheme name, placed from the facts of the spec under test.
 */
import {
  createApiClient,
  createDitoClient,
  createM1dasClient,
  createTtoClient,
  type TypedClient,
} from '@trackspec/client';
import { deriveApiFacts, loadDereferenced } from '@trackspec/specs';

type Credentials = Record<string, string | undefined>;
/** The paths of whichever API the suite is checking: known only from the spec at run time. */
// biome-ignore lint/suspicious/noExplicitAny: the paths type of an API chosen at run time
type AnyPaths = any;
type AnyApiClient = TypedClient<AnyPaths>;
type Factory = (baseUrl: string, credentials: Credentials) => AnyApiClient;

const retry = false as const;
const factories: Record<string, Factory> = {
  m1das: (baseUrl, { writeKey = '' }) => createM1dasClient({ baseUrl, writeKey, retry }),
  tto: (baseUrl, { apiKey = '' }) => createTtoClient({ baseUrl, apiKey, retry }),
  dito: (baseUrl, { apiKey = '', secret = '' }) => createDitoClient({ baseUrl, apiKey, secret, retry }),
};

export function clientFor(api: string, baseUrl: string, credentials: Credentials = {}): AnyApiClient {
  const factory = factories[api];
  if (factory) return factory(baseUrl, credentials);
  // The registry's own spec (the one the cases come from), not the facts this build of the client knows.
  return createApiClient<AnyPaths>(deriveApiFacts(loadDereferenced(api)), { baseUrl, credentials, retry });
}
