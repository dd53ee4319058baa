/**
 * A throw-away PostgreSQL cluster for tests, benchmarks and scripts: `initdb` into a temporary folder,
 * the server on a free loopback port with its unix socket in that folder, fsync and synchronous commit
 * on (as in production), removed on stop. Never a system service. Needs the server binaries (Debian:
 * `apt-get install postgresql`); found under /usr/lib/postgresql/<version>/bin, on PATH, or in
 * TRACKSPEC_PG_BIN. As root the cluster runs as the `postgres` user (PostgreSQL refuses root).
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tetherToParent } from './exit-with-parent.js';
import { freeLoopbackPort } from './ports.js';

const run = promisify(execFile);

export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` of the cluster's default database (trust auth on loopback). */
  url: string;
  port: number;
  /** Folder of the unix socket (and of the data directory). */
  socketDir: string;
  /** Pid of the running server's postmaster (its backends are its children), for CPU accounting. */
  readonly pid: number | undefined;
  /** The URL of another database of this cluster (see createDatabase). */
  urlOf(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Runs SQL with psql and returns what it printed (unaligned, tuples only). */
  psql(sql: string, database?: string): Promise<string>;
  /** Whether the server process is running. */
  readonly running: boolean;
  /**
   * Stops the server, keeping the data: `immediate` is a crash (no checkpoint; WAL replay at the next start),
   * `fast` a clean shutdown.
   */
  stopServer(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts the server again on the same port and data. */
  startServer(): Promise<void>;
  /** Stops the server (fast) and removes every file of the cluster. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Name of the database `url` points to, created at start (default `trackspec`). */
  database?: string;
  /** Extra server settings (`-c name=value`), e.g. `{ shared_buffers: '256MB' }`. */
  settings?: Record<string, string | number>;
}

/** The folder with `initdb`, `postgres` and `psql`, or an error that says how to install them. */
export function postgresBinDir(): string {
  const candidates: string[] = [];
  if (process.env.TRACKSPEC_PG_BIN) candidates.push(process.env.TRACKSPEC_PG_BIN);
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(debianRoot, version, 'bin')));
  }
  candidates.push(...(process.env.PATH ?? '').split(':').filter(Boolean));
  const found = candidates.find((dir) => ['initdb', 'postgres', 'psql'].every((tool) => existsSync(join(dir, tool))));
  if (!found)
    throw new Error(
      'PostgreSQL server binaries (initdb, postgres, psql) not found: install them (Debian: apt-get install postgresql) or set TRACKSPEC_PG_BIN',
    );
  return found;
}

/** As root, the uid/gid of the `postgres` user to run the cluster as; otherwise nothing (run as ourselves). */
async function clusterUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    throw new Error(
      'running as root, and there is no `postgres` user to run PostgreSQL as (apt-get install postgresql creates it)',
    );
  }
}

export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresCluster> {
  const bin = postgresBinDir();
  const user = await clusterUser();
  const root = await mkdtemp(join(tmpdir(), 'trackspec-pg-'));
  const dataDir = join(root, 'data');
  const database = options.database ?? 'trackspec';
  let server: ReturnType<typeof spawn> | undefined;
  let serverExited: Promise<void> = Promise.resolve();
  let log = '';
  const asUser = user ?? {};
  try {
    if (user) await chown(root, user.uid, user.gid);
    // --no-sync only skips syncing initdb's own files (a throw-away cluster); the server runs with fsync on.
    await run(
      join(bin, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      { ...asUser, env: { ...process.env, LC_ALL: 'C' } },
    );
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: string }).stderr ?? String(error)}`);
  }
  const port = await freeLoopbackPort();
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: root,
    fsync: 'on',
    synchronous_commit: 'on',
    full_page_writes: 'on',
    max_connections: 200,
    ...options.settings,
  };

  const startServer = async () => {
    log = '';
    const args = ['-D', dataDir, ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`])];
    const child = spawn(join(bin, 'postgres'), args, { ...asUser, stdio: ['ignore', 'pipe', 'pipe'] });
    server = child;
    serverExited = new Promise((resolve) => child.once('exit', () => resolve()));
    // Should this process end without stopping the cluster, however it ends, the server must not outlive it:
    // an immediate shutdown (SIGQUIT) ends the postmaster and its backends.
    tetherToParent(child, { signal: 'SIGQUIT' });
    child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PostgreSQL did not start within 30 s:\n${log}`)), 30_000);
      const check = () => {
        if (!/database system is ready to accept connections/.test(log)) return;
        clearTimeout(timer);
        resolve();
      };
      child.stderr!.on('data', check);
      void serverExited.then(() => {
        clearTimeout(timer);
        reject(new Error(`PostgreSQL exited at start:\n${log}`));
      });
    });
  };

  const stopServer = async (mode: 'fast' | 'immediate' = 'fast') => {
    const child = server;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // The postmaster's own signals: SIGINT is a fast shutdown, SIGQUIT an immediate one (a crash).
    child.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await serverExited;
  };

  const psql = async (sql: string, db = database) => {
    const { stdout } = await run(
      join(bin, 'psql'),
      ['-h', root, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-XAtq', '-c', sql],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  };
  const urlOf = (db: string) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(db)}`;

  try {
    await startServer();
    if (database !== 'postgres') await psql(`CREATE DATABASE "${database}"`, 'postgres');
  } catch (error) {
    await stopServer('immediate');
    await rm(root, { recursive: true, force: true });
    throw error;
  }

  return {
    url: urlOf(database),
    port,
    socketDir: root,
    urlOf,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
      await psql(`CREATE DATABASE "${name}"`, 'postgres');
      return urlOf(name);
    },
    psql,
    get pid() {
      return server?.pid;
    },
    get running() {
      return server !== undefined && server.exitCode === null && server.signalCode === null;
    },
    stopServer,
    startServer,
    async stop() {
      await stopServer('fast');
      await rm(root, { recursive: true, force: true });
    },
  };
}
