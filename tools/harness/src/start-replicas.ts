/**
 * `npm run start:replicas -- --replicas 3`: several ingest-server replicas on one PostgreSQL database
 * behind HAProxy (Debian's `haproxy`), round robin, each replica health-checked on /readyz. Prints the
 * URLs; Ctrl-C / SIGTERM stops everything (replicas gracefully).
 *
 * --replicas N       how many replicas (default 3)
 * --port P           HAProxy's port on 127.0.0.1 (default 8080)
 * --database URL     the PostgreSQL database (default TRACKSPEC_DATABASE; without either, a throw-away
 *                    cluster in a temporary folder, removed on exit: a demo, not a place for data)
 *
 * The replicas use the demo config (its sources and credentials) with that database; each leases its
 * own snowflake worker id from it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { tetherToParent } from './exit-with-parent.js';
import { type PostgresCluster, startPostgres } from './postgres.js';
import { type ServerProcess, startServerProcess } from './server-process.js';

const { values } = parseArgs({
  options: {
    replicas: { type: 'string', default: '3' },
    port: { type: 'string', default: '8080' },
    database: { type: 'string' },
  },
});
const replicaCount = Number(values.replicas);
const port = Number(values.port);
if (!Number.isInteger(replicaCount) || replicaCount < 1 || replicaCount > 64)
  throw new Error(`--replicas must be 1..64, got ${values.replicas}`);
if (!Number.isInteger(port) || port < 1 || port > 65535)
  throw new Error(`--port must be a TCP port, got ${values.port}`);
const haproxy = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy'].find((path) => existsSync(path));
if (!haproxy) throw new Error('HAProxy is not installed: apt-get install haproxy');

const work = await mkdtemp(join(tmpdir(), 'trackspec-replicas-'));
const given = values.database || process.env.TRACKSPEC_DATABASE || undefined;
const cluster: PostgresCluster | undefined = given ? undefined : await startPostgres();
const database = given ?? cluster!.url;
const replicas: ServerProcess[] = [];
let proxy: ReturnType<typeof spawn> | undefined;

let stopping: Promise<void> | undefined;
/** Stops the proxy, then the replicas (gracefully), then the throw-away cluster; once, however often called. */
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    proxy?.kill('SIGTERM');
    await Promise.allSettled(replicas.map((replica) => replica.stop()));
    await cluster?.stop();
    await rm(work, { recursive: true, force: true });
  })();
  return stopping;
}

try {
  // One at a time: the first migrates the database; the others find it done.
  for (let index = 0; index < replicaCount; index++)
    replicas.push(await startServerProcess({ database, env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' } }));
  const config = [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  option forwardfor',
    'frontend trackspec',
    `  bind 127.0.0.1:${port}`,
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    // A replica that cannot write (its store or lease is down) answers /readyz 503 and gets no traffic.
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    // Until two checks have failed, a replica that cannot write still gets requests: its 503 (nothing was
    // stored) is retried on another replica. Only bodies within HAProxy's buffer (tune.bufsize, 16 KB) can be
    // retried; a larger batch gets the 503 and its Retry-After. A retried duplicate is dropped by message id.
    '  retries 2',
    '  option redispatch 1',
    '  retry-on 503 conn-failure empty-response',
    ...replicas.map(
      (replica, index) => `  server replica${index + 1} ${new URL(replica.origin).host} check inter 1s fall 2 rise 1`,
    ),
    '',
  ].join('\n');
  const configFile = join(work, 'haproxy.cfg');
  await writeFile(configFile, config);
  const started = spawn(haproxy, ['-db', '-f', configFile], { stdio: ['ignore', 'inherit', 'inherit'] });
  tetherToParent(started, { signal: 'SIGTERM' }); // gone with this script, as the replicas and the cluster are
  proxy = started;
  await new Promise<void>((resolve, reject) => {
    started.once('exit', (code) =>
      reject(new Error(`haproxy exited (code ${code}): see its messages above (is port ${port} free?)`)),
    );
    // HAProxy prints nothing when it is up: the proxy answering the readiness probe is the sign.
    const deadline = Date.now() + 10_000;
    const probe = async () => {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return resolve();
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) return reject(new Error('haproxy did not answer within 10 s'));
      setTimeout(probe, 200);
    };
    void probe();
  });

  const origin = `http://127.0.0.1:${port}`;
  const first = replicas[0]!;
  const lines = [
    `trackspec: ${replicaCount} replicas behind HAProxy on ${origin}`,
    `  database  ${redact(database)}${cluster ? ' (throw-away cluster, removed on exit)' : ''}`,
    '',
    ...Object.entries(first.urls).map(([api, url]) => `  ${api.padEnd(10)} ${url.replace(first.origin, origin)}`),
    `  docs       ${origin}/docs/`,
    `  probes     ${origin}/healthz ${origin}/readyz`,
    '',
    'Replicas:',
    ...replicas.map((replica, index) => `  replica${index + 1}   ${replica.origin} (pid ${replica.pid})`),
    '',
    `Admin API bearer token: ${first.adminToken}. Ctrl-C stops everything.`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  started.once('exit', (code) => {
    if (stopping) return;
    process.stdout.write(`haproxy exited (code ${code}); stopping the replicas\n`);
    void stopAll().then(() => process.exit(1));
  });
} catch (error) {
  await stopAll();
  throw error;
}

// A parent gone (its pipe closed) must not turn the last words into an EPIPE crash before the replicas stop.
process.stdout.on('error', () => undefined);

for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    process.stdout.write('stopping the proxy and the replicas…\n');
    void stopAll().then(() => process.exit(0));
  });

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
