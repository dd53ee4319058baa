// `npm run start:replicas` with one replica whose store cannot write: its /readyz turns 503 at once, so
// HAProxy (health-checking /readyz every second, down after two failures) takes it out of the rotation,
// and every request sent to the proxy, from the fault on, is stored by the healthy replica — none answered
// 503: until the proxy has taken the replica out, it retries the replica's 503 on the other one.
//
// The fault is one replica's worker-id lease taken by another replica, written in the shared database
// as a replica that took the expired id would leave it (replicas share one database, so the lease is
// the store state that one replica alone can lose). The replica's own renewal would notice too, but
// only at its next renewal, every 10 s; the test takes the lease just after a renewal, so a replica out
// of rotation within 6 s was taken out by readiness asking the database, not by its renewal.
import {
  freeLoopbackPort,
  type PostgresCluster,
  type ReplicasProcess,
  startPostgres,
  startReplicasProcess,
} from '@trackspec/harness';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

let cluster: PostgresCluster;
let replicas: ReplicasProcess | undefined;

beforeAll(async () => {
  cluster = await startPostgres();
});
afterAll(async () => {
  await replicas?.stop();
  await cluster?.stop();
});

/** The snowflake layout (apps/server/src/ids): 41 bits of time, 10 of worker id, 12 of sequence. */
const workerIdOf = (id: string) => Number((BigInt(id) >> 12n) & 1023n);
const database = () => new URL(cluster.url).pathname.slice(1);
const query = async (sql: string) => (await cluster.psql(sql, database())).trim();

describe('npm run start:replicas with one replica that cannot write', () => {
  it('takes that replica out of rotation through /readyz and stores every request on the other', async () => {
    replicas = await startReplicasProcess({ replicas: 2, port: await freeLoopbackPort(), database: cluster.url });
    const { origin } = replicas;
    const output = () => replicas!.output();
    const [first, second] = replicas.replicas;
    expect(replicas.replicas).toHaveLength(2);
    const workerOf = (pid: number) =>
      query(`SELECT worker_id FROM worker_leases WHERE holder_name LIKE '% pid ${pid}'`);
    const [failing, healthy] = [Number(await workerOf(first!.pid)), Number(await workerOf(second!.pid))];
    const renewedAt = () => query(`SELECT renewed_at FROM worker_leases WHERE worker_id = ${failing}`);

    // Just after replica1 renews its lease, another replica takes its worker id.
    const before = await renewedAt();
    await vi.waitFor(async () => expect(await renewedAt()).not.toBe(before), { timeout: 15_000, interval: 50 });
    const seen = output().length;
    await query(
      `UPDATE worker_leases SET holder = gen_random_uuid(), holder_name = 'another replica' WHERE worker_id = ${failing}`,
    );
    // Requests keep coming while HAProxy finds out (two failed checks, a second apart): the proxy retries
    // a 503 on the other replica (retry-on), so none is answered 503 while a healthy replica exists.
    const messageIds: string[] = [];
    const statuses: number[] = [];
    const send = async () => {
      const messageId = `replica-readiness-${messageIds.length}`;
      messageIds.push(messageId);
      const response = await fetch(`${origin}/m1das/api/s/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': 'keyId:keySecret' },
        body: JSON.stringify({ event: 'one replica down', userId: 'u', messageId }),
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    };
    let down = false;
    const traffic = (async () => {
      while (!down) await send();
    })();
    await vi.waitFor(
      () =>
        expect(output().slice(seen)).toMatch(
          /Server replicas\/replica1 is DOWN, reason: Layer7 wrong status, code: 503/,
        ),
      // `fall 2` at `inter 1s` marks it down in about 2 s; this bound only catches a proxy that never does.
      { timeout: 30_000, interval: 50 },
    );
    down = true;
    await traffic;
    const readiness = await fetch(`${first!.origin}/readyz`);
    expect(readiness.status).toBe(503);
    expect(((await readiness.json()) as { detail: string }).detail).toMatch(/no longer holds its worker-id lease/);

    for (let index = 0; index < 20; index++) await send();
    expect(statuses).toEqual(messageIds.map(() => 200));
    const listed = await fetch(`${origin}/admin/events?api=m1das&limit=1000`, {
      headers: { authorization: `Bearer ${replicas.adminToken}` },
    });
    const { events } = (await listed.json()) as { events: { id: string; messageId: string }[] };
    const stored = events.filter((event) => messageIds.includes(event.messageId));
    expect(stored.map((event) => event.messageId).sort()).toEqual([...messageIds].sort());
    expect(new Set(stored.map((event) => workerIdOf(event.id)))).toEqual(new Set([healthy]));
  });
});
