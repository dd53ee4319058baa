// `npm run start:replicas` as an operator runs it: two replicas on a throw-away PostgreSQL cluster
// behind Debian's HAProxy. Events sent to the proxy are spread over both replicas (their ids carry
// two different leased worker ids), all read back once through the admin API behind the proxy; a body
// the replicas refuse before reading it whole still gets its 413 through the proxy, never a reset; and
// SIGTERM stops everything with exit code 0.
import {
  bodyLimitOf,
  freeLoopbackPort,
  overLimitRows,
  type ReplicasProcess,
  startReplicasProcess,
  unrefusedRequests,
} from '@trackspec/harness';
import { apiNames } from '@trackspec/specs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let replicas: ReplicasProcess;
beforeAll(async () => {
  replicas = await startReplicasProcess({ replicas: 2, port: await freeLoopbackPort() });
});
afterAll(() => replicas?.child.kill('SIGKILL'));

/** The snowflake layout (apps/server/src/ids): 41 bits of time, 10 of worker id, 12 of sequence. */
const workerIdOf = (id: string) => Number((BigInt(id) >> 12n) & 1023n);

describe('npm run start:replicas', () => {
  it('serves through HAProxy over two replicas on one database', async () => {
    const { origin, adminToken } = replicas;
    expect(replicas.output()).toContain(`2 replicas behind HAProxy on ${origin}`);
    expect(replicas.output()).toContain(`m1das      ${origin}/m1das`);

    const messageIds = Array.from({ length: 12 }, (_, index) => `replicas-${index}`);
    for (const messageId of messageIds) {
      const response = await fetch(`${origin}/m1das/api/s/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': 'keyId:keySecret' },
        body: JSON.stringify({ event: 'replicated', userId: 'u', messageId }),
      });
      expect(response.status).toBe(200);
    }
    const listed = await fetch(`${origin}/admin/events?api=m1das&limit=100`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(listed.status).toBe(200);
    const { events } = (await listed.json()) as { events: { id: string; messageId: string }[] };
    expect(events.map((event) => event.messageId).sort()).toEqual([...messageIds].sort());
    // Round robin: both replicas stored some, each under its own leased worker id.
    expect(new Set(events.map((event) => workerIdOf(event.id))).size).toBe(2);
  });

  // The server side of this is tested on each store in apps/server (early-refusal*.test.ts, 20 requests
  // a row); through the proxy, a slice: 5 requests a row.
  it.each(overLimitRows)(
    'answers an over-limit body 413 through the proxy, never a reset: $name',
    async (row) => {
      const urls = Object.fromEntries(apiNames.map((api) => [api, `${replicas.origin}/${api}`]));
      const failures = await unrefusedRequests(urls, row, 413, (operation) => row.size.bytes(bodyLimitOf(operation)), {
        count: 5,
      });
      expect(failures, failures.join('\n')).toEqual([]);
    },
    60_000,
  );

  it('stops on SIGTERM with exit code 0, the proxy port closed', async () => {
    expect(await replicas.stop()).toBe(0);
    await expect(fetch(`${replicas.origin}/readyz`)).rejects.toThrow();
  });
});
