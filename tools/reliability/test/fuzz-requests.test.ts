/**
 * The fuzzer's request generation fails, naming the operation and the cause, where it could never
 * produce a valid request — instead of retrying forever (fast-check retries a filter until it passes).
 */
import type { ServerProcess } from '@trackspec/harness';
import { credentialsToSend, listOperations, loadDereferenced, type OperationRef } from '@trackspec/specs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedFilter, type FuzzRequest, maxRejectedInARow, requestArbitrary } from '../src/checks/fuzz-requests.js';

/** An operation whose body carries its credential (`x-body-credential`), from the specs. */
function bodyCredentialOperation(): { api: string; operation: OperationRef } {
  for (const api of ['m1das', 'tto', 'dito', 'hellotext', 'rockstat']) {
    const operation = listOperations(loadDereferenced(api)).find(
      (candidate) => candidate.requestBody?.credential && credentialsToSend(candidate).length > 0,
    );
    if (operation) return { api, operation };
  }
  throw new Error('no operation of the specs carries its credential in the body');
}

const serverWith = (api: string, credentials: Record<string, string>) =>
  ({ credentials: { [api]: credentials } }) as unknown as ServerProcess;

describe('fuzz request generation', () => {
  it('refuses at once a server without a credential the spec sends, naming it', async () => {
    const { api, operation } = bodyCredentialOperation();
    const name = credentialsToSend(operation)[0]!.name;
    await expect(requestArbitrary(api, operation, serverWith(api, {}))).rejects.toThrow(
      `${api} ${operation.operationId}: the server gives no credential for ${name}`,
    );
  });

  it(`fails after ${maxRejectedInARow} requests in a row that break their schema, saying why`, () => {
    const { api, operation } = bodyCredentialOperation();
    const neverValid = boundedFilter(api, operation, () => false);
    // fast-check keeps generating while the filter says no: the guard ends that, with the operation named.
    const request = { pathParams: {}, query: {}, headers: {} } as FuzzRequest;
    for (let rejected = 1; rejected < maxRejectedInARow; rejected++) expect(neverValid(request)).toBe(false);
    expect(() => neverValid(request)).toThrow(
      new RegExp(
        `^${api} ${operation.operationId}: ${maxRejectedInARow} generated requests in a row broke the body schema`,
      ),
    );
    // Through fast-check itself: a filter that never passes ends with that error instead of a hang.
    const arbitrary = fc.constant(request).filter(boundedFilter(api, operation, () => false));
    expect(() => fc.sample(arbitrary, { numRuns: 1, seed: 1 })).toThrow(/generated requests in a row/);
  });

  it('lets requests through, and counts only rejections in a row', () => {
    const { api, operation } = bodyCredentialOperation();
    let calls = 0;
    const sometimes = boundedFilter(api, operation, () => ++calls % (maxRejectedInARow - 1) === 0);
    for (let call = 0; call < maxRejectedInARow * 3; call++) sometimes({ pathParams: {}, query: {}, headers: {} });
  });
});
