/**
 * `npm start`: the ingest server with every registered API, the admin API and the docs, on the
 * embedded SQLite store, or on PostgreSQL when `database` is a postgres:// URL (one of several replicas).
 * Config: `--config <file>` or TRACKSPEC_CONFIG (default: demo.config.yaml).
 * The store: src/open-store.ts. SIGTERM/SIGINT: drain, finish in-flight requests, close the database
 * (src/shutdown.ts).
 * A start-up that cannot succeed (a bad config, a database that cannot be opened, a port in use) ends
 * at once with exit code 1 and one line on stderr: `trackspec: <what>: <why>`.
 */
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { apis } from '@trackspec/specs';
import { basePath, ConfigError, loadConfig } from './config.js';
import { openStore } from './open-store.js';
import { messageOf } from './storage/error-message.js';
import { StoreUnavailableError } from './storage/event-store.js';
import { isPostgresUrl, redactUrl } from './storage/postgres/url.js';

/** Ends a start-up that cannot succeed: one line, no stack trace, exit code 1. */
function fail(what: string, why: string): never {
  process.stderr.write(`trackspec: ${what}: ${why.replaceAll('\n', ' ')}\n`);
  process.exit(1);
}

/** Why `port` on `host` cannot be listened on now, or undefined when it can (port 0 always can). */
function portInUse(host: string, port: number): Promise<string | undefined> {
  if (port === 0) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', (error) => resolve(messageOf(error)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

/** Runs a start-up step; the errors it expects become one line, anything else (a bug) keeps its stack. */
function step<T>(what: string, expected: (error: unknown) => boolean, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (expected(error)) fail(what, messageOf(error));
    throw error;
  }
}

const { values } = step(
  'arguments',
  (error) => (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ?? false,
  () => parseArgs({ options: { config: { type: 'string' } } }),
);
const configPath =
  values.config ?? process.env.TRACKSPEC_CONFIG ?? fileURLToPath(new URL('../demo.config.yaml', import.meta.url));
const loaded = step(
  'config',
  (error) => error instanceof ConfigError,
  () => loadConfig(configPath),
);
// A port in use ends the start-up before the database is opened and the app loaded: at once, not after
// seconds of loading (the real listen below still reports a port taken in between).
const portProblem = await portInUse(loaded.host, loaded.port);
if (portProblem) fail('listen', `cannot listen on ${loaded.host}:${loaded.port}: ${portProblem}`);
// The store reports what it recovers from by itself; to the app's log once there is one.
let logStore: (message: string) => void = (message) => process.stderr.write(`${message}\n`);
const { store, config } = await openStore(loaded, (message) => logStore(message)).catch((error: unknown) => {
  if (error instanceof StoreUnavailableError) fail('database', messageOf(error));
  throw error;
});
// The app (Fastify, the specs, the handlers) only once config and database are good: a start-up that
// fails on either has not paid for loading it.
// Prometheus (prom-client) only when the config asks for metrics.
const [{ buildApp }, metricsModule, { registerDrain }] = await Promise.all([
  import('./app.js'),
  config.metrics ? import('./metrics.js') : undefined,
  import('./shutdown.js'),
]);
const metrics = config.metrics && metricsModule?.createMetrics(store);
const { app } = await buildApp({ config, store, metrics, logger: { level: process.env.LOG_LEVEL ?? 'info' } });
logStore = (message) => app.log.warn(message);
const drain = registerDrain(app);
try {
  await app.listen({ host: config.host, port: config.port });
} catch (error) {
  const code = (error as { code?: string }).code;
  if (!code?.startsWith('E')) throw error;
  await store.close().catch(() => undefined);
  fail('listen', `cannot listen on ${config.host}:${config.port}: ${messageOf(error)}`);
}
const metricsListener = metrics && config.metrics && (await metricsModule?.listenMetrics(metrics, config.metrics));
const { port } = app.server.address() as { port: number }; // the real one when the config says 0
const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
const database = isPostgresUrl(config.database)
  ? `${redactUrl(config.database)}, worker id ${config.workerId}`
  : config.database;
const lines = [`trackspec server on ${origin} (config ${configPath}, database ${database})`, ''];
for (const api of apis) lines.push(`  ${api.name.padEnd(10)} ${origin}${basePath(config, api.name)}   ${api.title}`);
lines.push(`  docs       ${origin}/docs/`, `  probes     ${origin}/healthz ${origin}/readyz`);
if (metricsListener) lines.push(`  metrics    ${metricsListener.origin}/metrics`);
lines.push('');
// Credentials only when the config asks (the demo config, whose values are the vendors' examples).
const shown = (secret: string) => (config.announceCredentials ? secret : '(hidden: set announceCredentials to print)');
lines.push('Sources:');
for (const source of config.sources)
  lines.push(
    `  ${source.id.padEnd(16)} ${source.api.padEnd(10)} ${source.keys?.length ? `keys: ${source.keys.map(shown).join(', ')}` : source.projectIds ? `projects: ${source.projectIds.join(', ')}` : 'any project'}${source.secret ? `, secret: ${shown(source.secret)}` : ''}`,
  );
if (config.adminToken) lines.push(`  admin API bearer token: ${shown(config.adminToken)}`);
process.stdout.write(`${lines.join('\n')}\n`);

drain.closeOnSignals({
  drainMs: config.shutdownDrainMs,
  close: async () => {
    await Promise.all([app.close(), metricsListener?.close()]);
    await store.close();
  },
});
