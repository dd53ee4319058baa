/**
 * `npm start`: the ingest server with every registered API, the admin API and the docs, on the
 * embedded SQLite store. Config: `--config <file>` or TRACKSPEC_CONFIG (default: demo.config.yaml).
 * SIGTERM/SIGINT: stop accepting, finish in-flight requests, close the database.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { apis } from '@trackspec/specs';
import { basePath, buildApp } from './app.js';
import { loadConfig } from './config.js';
import { openSqliteStore } from './storage/sqlite-store.js';

const { values } = parseArgs({ options: { config: { type: 'string' } } });
const configPath = values.config ?? process.env.TRACKSPEC_CONFIG ?? fileURLToPath(new URL('../demo.config.yaml', import.meta.url));
const config = loadConfig(configPath);
const store = openSqliteStore(config.database);
const { app } = await buildApp({ config, store, logger: { level: process.env.LOG_LEVEL ?? 'info' } });

await app.listen({ host: config.host, port: config.port });
const { port } = app.server.address() as { port: number }; // the real one when the config says 0
const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
const lines = [`trackspec server on ${origin} (config ${configPath}, database ${config.database})`, ''];
for (const api of apis) lines.push(`  ${api.name.padEnd(10)} ${origin}${basePath(config, api.name)}   ${api.title}`);
lines.push(`  docs       ${origin}/docs/`, `  probes     ${origin}/healthz ${origin}/readyz`, '', 'Sources (credentials from the config):');
for (const source of config.sources) lines.push(`  ${source.id.padEnd(16)} ${source.api.padEnd(10)} ${source.keys?.length ? `keys: ${source.keys.join(', ')}` : source.projectIds ? `projects: ${source.projectIds.join(', ')}` : 'any project'}${source.secret ? `, secret: ${source.secret}` : ''}`);
if (config.adminToken) lines.push(`  admin API bearer token: ${config.adminToken}`);
// Printed once to the terminal for the operator (as the demo config holds them); never logged.
process.stdout.write(`${lines.join('\n')}\n`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down: finishing in-flight requests');
    void app
      .close()
      .then(() => store.close())
      .then(() => process.exit(0), (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  });
}
