/**
 * Opening the PostgreSQL store: the connection pools (write connections for group commits, the rest for
 * reads and the lease), TLS, the migrations (once across replicas), the worker-id lease, and the
 * database URL's checks and redaction for messages.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { messageOf } from '../error-message.js';
import { StoreUnavailableError } from '../event-store.js';
import { type PostgresEventStore, PostgresStore } from './event-store.js';
import { WorkerLease } from './lease.js';
import { migrate } from './schema.js';
import { redactUrl } from './url.js';

export { isPostgresUrl, redactUrl } from './url.js';

export interface PostgresTlsOptions {
  /** PEM file of the CA that signed the server's certificate (default: the system's CAs). */
  caFile?: string;
  /** PEM files of a client certificate and its key, when the server asks for one. */
  certFile?: string;
  keyFile?: string;
  /** Verify the server's certificate and name (default true). */
  rejectUnauthorized?: boolean;
}

export interface PostgresStoreOptions {
  /** Connections per replica (default 4): `writeConnections` for group commits, the rest for reads and the lease. */
  poolSize?: number;
  /** How many group-commit transactions may run at once (default 2). */
  writeConnections?: number;
  /** Longest a statement may run before PostgreSQL cancels it (default 5000 ms); also the connect timeout. */
  statementTimeoutMs?: number;
  /** Time to live of the worker-id lease (default 30 s); renewed every third of it. */
  leaseTtlMs?: number;
  /** TLS to the database (also possible with `sslmode` in the URL). */
  tls?: PostgresTlsOptions;
  /** Where the store reports what it recovers from by itself (lease renewals, partition upkeep). */
  log?: (message: string) => void;
}

const DEFAULTS = { poolSize: 4, writeConnections: 2, statementTimeoutMs: 5_000, leaseTtlMs: 30_000 };

/**
 * Connects, migrates (once across replicas), leases a worker id and returns the store. Throws
 * StoreUnavailableError, saying why, if any of that fails.
 */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresEventStore> {
  const settings = { ...DEFAULTS, ...options };
  if (!Number.isInteger(settings.writeConnections) || settings.writeConnections < 1)
    throw new RangeError(`writeConnections must be a positive integer, got ${settings.writeConnections}`);
  if (!Number.isInteger(settings.poolSize) || settings.poolSize < settings.writeConnections + 1)
    throw new RangeError(
      `poolSize must be an integer above writeConnections (${settings.writeConnections}), got ${settings.poolSize}`,
    );
  const config: pg.PoolConfig = {
    connectionString: url,
    statement_timeout: settings.statementTimeoutMs,
    // Our transactions never wait on the client for long; one that does has lost its process.
    idle_in_transaction_session_timeout: settings.statementTimeoutMs * 4,
    connectionTimeoutMillis: settings.statementTimeoutMs,
    application_name: 'trackspec',
    options: '-c TimeZone=UTC -c synchronous_commit=on',
    keepAlive: true,
    ...(options.tls ? { ssl: tlsSettings(options.tls) } : {}),
  };
  const where = redactUrl(url);
  const writePool = new pg.Pool({ ...config, max: settings.writeConnections });
  const readPool = new pg.Pool({ ...config, max: settings.poolSize - settings.writeConnections });
  const log = options.log ?? (() => {});
  for (const pool of [writePool, readPool]) {
    // A connection that breaks while idle, or between two queries of ours, must not crash the process:
    // the next query on it fails instead, and the pool replaces it.
    pool.on('error', (error) => log(`PostgreSQL connection lost: ${messageOf(error)}`));
    pool.on('connect', (client) => client.on('error', () => {}));
  }
  try {
    const client = await readPool.connect();
    try {
      await migrate(client);
    } finally {
      client.release();
    }
    const lease = await WorkerLease.acquire({
      ttlMs: settings.leaseTtlMs,
      query: (text, values) => readPool.query(text, values),
      onProblem: log,
    });
    return new PostgresStore(writePool, readPool, lease, settings.writeConnections, log);
  } catch (error) {
    await Promise.allSettled([writePool.end(), readPool.end()]);
    throw new StoreUnavailableError(`cannot open the event store at ${where}: ${messageOf(error)}`, { cause: error });
  }
}

function tlsSettings(tls: PostgresTlsOptions): pg.PoolConfig['ssl'] {
  return {
    rejectUnauthorized: tls.rejectUnauthorized ?? true,
    ...(tls.caFile ? { ca: readFileSync(tls.caFile, 'utf8') } : {}),
    ...(tls.certFile ? { cert: readFileSync(tls.certFile, 'utf8') } : {}),
    ...(tls.keyFile ? { key: readFileSync(tls.keyFile, 'utf8') } : {}),
  };
}
