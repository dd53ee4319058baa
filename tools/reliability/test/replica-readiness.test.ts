// `npm run start:replicas` with one replica whose store cannot write: its /readyz turns 503 at once, so
// HAProxy (health-checking /readyz every second, down after two failures) takes it out of the rotation,
// and every request sent to the proxy from then on is stored by the healthy replica — none answered 503.
//
// The fault is one replica's worker-id lease taken by another replica, written in the shared database
// as a replica that took the expired id would leave it (replicas share one database, so the lease is
// the store state that one replica alone can lose). The replica's own renewal would notice too, but
// only at its next renewal, every 10 s; the test takes the lease just after a renewal, so a replica out
// of rotation within 6 s was taken out by readiness asking the database, not by its renewal.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exitWithParent, freePort, type PostgresCluster, startPostgres } from '@trackspec/harness';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const script = fileURLToPath(new URL('../../harness/src/start-replicas.ts', import.meta.url));
let cluster: PostgresCluster;
let child: ChildProcess | undefined;
let output = '';

beforeAll(async () => {
  cluster = await startPostgres();
}, 60_000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  await cluster?.stop();
}, 60_000);

/** Starts the script on `cluster` and waits until it has printed its URLs. */
function startReplicas(port: number): Promise<void> {
  const args = [...exitWithParent, '--import', 'tsx', script, '--replicas', '2', '--port', String(port)];
  child = spawn(process.execPath, [...args, '--database', cluster.url], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['pipe', 'pipe', 'pipe'], // stdin: the pipe that ends it (SIGTERM) with this process
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URLs within 60 s:\n${output}`)), 60_000);
    // HAProxy (its stderr is the script's) reports each server going down or up there.
    for (const stream of [child!.stdout!, child!.stderr!])
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (/Admin API bearer token: .+\./.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
    child!.once('exit', (code) => reject(new Error(`start:replicas exited (${code}):\n${output}`)));
  });
}

/** The snowflake layout (apps/server/src/ids): 41 bits of time, 10 of worker id, 12 of sequence. */
const workerIdOf = (id: string) => Number((BigInt(id) >> 12n) & 1023n);
const database = () => new URL(cluster.url).pathname.slice(1);
const query = async (sql: string) => (await cluster.psql(sql, database())).trim();

describe('npm run start:replicas with one replica that cannot write', () => {
  it('takes that replica out of rotation through /readyz and stores every request on the other', async () => {
    const port = await freePort('127.0.0.1');
    await startReplicas(port);
    const origin = `http://127.0.0.1:${port}`;
    const replicas = [...output.matchAll(/replica(\d) +(http:\/\/\S+) \(pid (\d+)\)/g)].map(([, , url, pid]) => ({
      url: url!,
      pid: Number(pid),
    }));
    expect(replicas).toHaveLength(2);
    const workerOf = (pid: number) =>
      query(`SELECT worker_id FROM worker_leases WHERE holder_name LIKE '% pid ${pid}'`);
    const [failing, healthy] = [Number(await workerOf(replicas[0]!.pid)), Number(await workerOf(replicas[1]!.pid))];
    const renewedAt = () => query(`SELECT renewed_at FROM worker_leases WHERE worker_id = ${failing}`);

    // Just after replica1 renews its lease, another replica takes its worker id.
    const before = await renewedAt();
    await vi.waitFor(async () => expect(await renewedAt()).not.toBe(before), { timeout: 15_000, interval: 50 });
    const seen = output.length;
    await query(
      `UPDATE worker_leases SET holder = gen_random_uuid(), holder_name = 'another replica' WHERE worker_id = ${failing}`,
    );
    await vi.waitFor(
      () =>
        expect(output.slice(seen)).toMatch(/Server replicas\/replica1 is DOWN, reason: Layer7 wrong status, code: 503/),
      { timeout: 6_000, interval: 50 },
    );
    const readiness = await fetch(`${replicas[0]!.url}/readyz`);
    expect(readiness.status).toBe(503);
    expect(((await readiness.json()) as { detail: string }).detail).toMatch(/no longer holds its worker-id lease/);

    const messageIds = Array.from({ length: 20 }, (_, index) => `replica-readiness-${index}`);
    const statuses: number[] = [];
    for (const messageId of messageIds) {
      const response = await fetch(`${origin}/m1das/api/s/track`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-write-key': 'keyId:keySecret' },
        body: JSON.stringify({ event: 'one replica down', userId: 'u', messageId }),
      });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toEqual(messageIds.map(() => 200));
    const adminToken = /Admin API bearer token: (\S+)\./.exec(output)![1]!;
    const listed = await fetch(`${origin}/admin/events?api=m1das&limit=100`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    const { events } = (await listed.json()) as { events: { id: string; messageId: string }[] };
    const stored = events.filter((event) => messageIds.includes(event.messageId));
    expect(stored.map((event) => event.messageId).sort()).toEqual([...messageIds].sort());
    expect(new Set(stored.map((event) => workerIdOf(event.id)))).toEqual(new Set([healthy]));
  }, 120_000);
});
