// The PostgreSQL store's TLS options against a real cluster with TLS on (a self-signed certificate for
// 127.0.0.1 made here): the store verifies the server against the given CA, and refuses another.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PostgresCluster, startPostgres } from '@trackspec/harness';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/storage/event-store.js';
import { openPostgresStore } from '../../src/storage/postgres/connect.js';
import { event } from './helpers.js';

let dir: string;
let cluster: PostgresCluster;

/** A self-signed certificate for 127.0.0.1 and its key, in `dir`. */
function certificate(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'trackspec-pg-tls-'));
  const server = certificate('server');
  // PostgreSQL reads its key only if the user it runs as owns it, private (as root the harness runs it as postgres).
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
    chownSync(dir, uid, gid);
    for (const file of [server.cert, server.key]) chownSync(file, uid, gid);
  }
  chmodSync(server.key, 0o600);
  cluster = await startPostgres({ settings: { ssl: 'on', ssl_cert_file: server.cert, ssl_key_file: server.key } });
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('TLS to PostgreSQL', () => {
  it('connects over TLS, verifying the server against the given CA', async () => {
    const store = await openPostgresStore(cluster.url, { tls: { caFile: join(dir, 'server.crt') } });
    try {
      await expect(store.append([event()])).resolves.toHaveLength(1);
      const admin = new pg.Client({ connectionString: cluster.url });
      await admin.connect();
      const { rows } = await admin.query(
        "SELECT bool_and(ssl) AS all_tls, count(*)::int AS connections FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE application_name = 'trackspec'",
      );
      await admin.end();
      expect(rows[0]).toEqual({ all_tls: true, connections: expect.any(Number) });
      expect(rows[0].connections).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  it('refuses a server whose certificate the given CA did not sign', async () => {
    const other = certificate('other');
    const error = await openPostgresStore(cluster.url, { tls: { caFile: other.cert }, statementTimeoutMs: 2000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/cannot open the event store.*(certificate|self[- ]signed)/i);
  });
});
