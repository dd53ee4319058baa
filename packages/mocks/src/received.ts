/**
 * For consumers' tests: what a mock received, through the inspection API's typed client
 * (openapi-fetch over the generated types of `openapi/received.yaml`).
 *
 *   const events = await received(mocks.urls.m1das, { operationId: 'ingestBatch' });
 *   await clearReceived(mocks.urls.m1das);
 */
import createClient from 'openapi-fetch';
import type { paths } from './generated/received.js';
import type { ReceivedFilter, ReceivedList, ReceivedRequest } from './received-log.js';

/** A mock: its base URL, or anything with a `url` (a `RunningMock`). */
export type MockTarget = string | URL | { url: string };

const baseUrlOf = (mock: MockTarget) => String(typeof mock === 'object' && 'url' in mock ? mock.url : mock);

/** The typed client of a mock's inspection API (`GET` / `DELETE /__trackspec/received`). */
export function inspectionClient(mock: MockTarget) {
  return createClient<paths>({ baseUrl: baseUrlOf(mock) });
}

/** The whole list with the count of entries the bound dropped (see `received` for the entries alone). */
export async function receivedList(mock: MockTarget, filter: ReceivedFilter = {}): Promise<ReceivedList> {
  const { data, error, response } = await inspectionClient(mock).GET('/__trackspec/received', {
    params: { query: filter },
  });
  if (!data)
    throw new Error(
      `${baseUrlOf(mock)}: GET /__trackspec/received answered ${response.status}: ${error?.detail ?? ''}`,
    );
  return data;
}

/** What the mock received, oldest first, filtered by operation, `since` an entry id, at most `limit`. */
export async function received(mock: MockTarget, filter: ReceivedFilter = {}): Promise<ReceivedRequest[]> {
  return (await receivedList(mock, filter)).entries;
}

/** Forgets what the mock received (between two tests). */
export async function clearReceived(mock: MockTarget): Promise<void> {
  const { response } = await inspectionClient(mock).DELETE('/__trackspec/received');
  if (response.status !== 204)
    throw new Error(`${baseUrlOf(mock)}: DELETE /__trackspec/received answered ${response.status}`);
}
