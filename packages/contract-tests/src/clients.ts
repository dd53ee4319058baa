/** The typed client of each API, as a user would create it (retries off: the suite sees every answer). */
import {
  createAdminClient,
  createDitoClient,
  createHellotextClient,
  createM1dasClient,
  createRockstatClient,
  createTtoClient,
  createTypedClient,
  type TypedClient,
} from '@trackspec/client';

type Credentials = Record<string, string | undefined>;
type Factory = (baseUrl: string, credentials: Credentials) => TypedClient<any>;

const retry = false as const;
const factories: Record<string, Factory> = {
  m1das: (baseUrl, { writeKey = '' }) => createM1dasClient({ baseUrl, writeKey, retry }),
  tto: (baseUrl, { apiKey = '' }) => createTtoClient({ baseUrl, apiKey, retry }),
  dito: (baseUrl, { apiKey = '', secret = '' }) => createDitoClient({ baseUrl, apiKey, secret, retry }),
  hellotext: (baseUrl, { token = '' }) => createHellotextClient({ baseUrl, token, retry }),
  rockstat: (baseUrl) => createRockstatClient({ baseUrl, retry }),
  admin: (baseUrl, { token = '' }) => createAdminClient({ baseUrl, token, retry }),
};

/** An API without a dedicated factory gets the generic typed client (no credentials of its own). */
export function clientFor(api: string, baseUrl: string, credentials: Credentials = {}): TypedClient<any> {
  return (factories[api] ?? ((url) => createTypedClient({ baseUrl: url, retry })))(baseUrl, credentials);
}
