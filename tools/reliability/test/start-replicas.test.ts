// `npm run start:replicas` as an operator runs it: two replicas on a throw-away PostgreSQL cluster
// behind Debian's HAProxy. Events sent to the proxy are spread over both replicas (their ids carry
// two different leased worker ids), all read back once through the admin API behind the proxy, and
// SIGTERM stops everything with exit code 0.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exitWithParent, freePort } from '@trackspec/harness';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../harness/src/start-replicas.ts', import.meta.url));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
});

/** Waits until the script has printed its URLs; rejects if it exits first or takes over a minute. */
function startReplicas(port: number): Promise<string> {
  const args = [...exitWithParent, '--import', 'tsx', script, '--replicas', '2', '--port', String(port)];
  child = spawn(process.execPath, args, {
    // Its own throw-away cluster, whatever database the environment names.
    env: { ...process.env, LOG_LEVEL: 'warn', TRACKSPEC_DATABASE: undefined },
    stdio: ['pipe', 'pipe', 'pipe'], // stdin: the pipe that ends it (SIGTERM) with this process
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URLs within 60 s:\n${output}`)), 60_000);
    child!.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Admin API bearer token: .+\./.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    });
    child!.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child!.once('exit', (code) => reject(new Error(`start:replicas exited (${code}):\n${output}`)));
  });
}

/** The snowflake layout (apps/server/src/ids): 41 bits of time, 10 of worker id, 12 of sequence. */
const workerIdOf = (id: string) => Number((BigInt(id) >> 12n) & 1023n);

describe('npm run start:replicas', () => {
  it('serves through HAProxy over two replicas on one database, and stops on SIGTERM', async () => {
    const port = await freePort('127.0.0.1');
    const printed = await startReplicas(port);
    const origin = `http://127.0.0.1:${port}`;
    expect(printed).toContain(`2 replicas behind HAProxy on ${origin}`);
    expect(printed).toContain(`m1das      ${origin}/m1das`);
    const adminToken = /Admin API bearer token: (\S+)\./.exec(printed)![1]!;

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

    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
    await expect(fetch(`${origin}/readyz`)).rejects.toThrow();
  }, 120_000);
});
