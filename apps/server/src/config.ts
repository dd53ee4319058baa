/**
 * Server configuration: a YAML or JSON file (path from `--config` or `TRACKSPEC_CONFIG`), then
 * environment overrides. Sources say which API each credential belongs to.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { isPostgresUrl, type PostgresStoreOptions } from './storage/postgres-event-store.js';

export interface SourceConfig {
  /** Unique id, stored with every event of the source. */
  id: string;
  /** Registry name of the API the source writes to. */
  api: string;
  /** Credentials that identify this source: m1das write keys, tto api_key, dito platform_api_key, hellotext bearer tokens. */
  keys?: string[];
  /** Dito: the SECRET_KEY whose SHA-1 signs requests. */
  secret?: string;
  /** Rockstat: project ids this source receives (absent: every project not claimed by another source). */
  projectIds?: number[];
  /** TTO: what `/v1/settings` returns for this source (merged over the defaults). */
  settings?: Record<string, unknown>;
}

export interface ServerConfig {
  host: string;
  port: number;
  /**
   * Where events are stored: a SQLite file (`:memory:` for tests), the embedded default for one server
   * process; or a PostgreSQL URL (`postgres://user@host:port/db`) for several replicas on one database.
   */
  database: string;
  /** PostgreSQL connection settings (pool size, statement timeout, lease, TLS); only with a PostgreSQL `database`. */
  postgres?: Omit<PostgresStoreOptions, 'log'>;
  /** SQLite: how many of the most recent events' message ids are kept in memory to drop retried duplicates (~48 bytes each). */
  dedupeWindow: number;
  /** 0..1023: distinguishes processes in generated ids (SQLite; on PostgreSQL each replica leases its own). */
  workerId: number;
  /** Bearer token of the admin API; the admin API refuses everything when it is empty. */
  adminToken: string;
  /** URL prefix per API (default `/<name>`); `admin` is the admin API's. */
  basePaths: Record<string, string>;
  /** Largest request body for operations whose spec sets no limit. */
  defaultBodyLimit: number;
  /** On SIGTERM, how long at most to keep answering 503 while in-flight requests finish, before closing. */
  shutdownDrainMs: number;
  /** Print the sources' credentials in the start-up banner (the demo config does; never in production). */
  announceCredentials: boolean;
  sources: SourceConfig[];
}

const defaults: Omit<ServerConfig, 'sources'> = {
  host: '127.0.0.1',
  port: 8080,
  database: './data/trackspec.sqlite',
  dedupeWindow: 1_000_000,
  workerId: 0,
  adminToken: '',
  basePaths: {},
  defaultBodyLimit: 1024 * 1024,
  announceCredentials: false,
  shutdownDrainMs: 2_000,
};

export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const file = path ? (parse(readFileSync(path, 'utf8')) as Partial<ServerConfig>) : {};
  const config: ServerConfig = { ...defaults, ...file, basePaths: { ...file.basePaths }, sources: file.sources ?? [] };
  // A relative database path is relative to the config file.
  if (path && file.database && file.database !== ':memory:' && !isPostgresUrl(file.database))
    config.database = resolve(dirname(path), file.database);
  if (env.PORT) config.port = Number(env.PORT);
  if (env.HOST) config.host = env.HOST;
  if (env.TRACKSPEC_DATABASE) config.database = env.TRACKSPEC_DATABASE;
  if (env.TRACKSPEC_WORKER_ID) config.workerId = Number(env.TRACKSPEC_WORKER_ID);
  if (env.TRACKSPEC_ADMIN_TOKEN) config.adminToken = env.TRACKSPEC_ADMIN_TOKEN;
  validateConfig(config);
  return config;
}

export function validateConfig(config: ServerConfig): void {
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535)
    throw new Error(`Invalid port ${config.port}`);
  if (!Number.isSafeInteger(config.dedupeWindow) || config.dedupeWindow < 0)
    throw new Error(`dedupeWindow must be a non-negative integer, got ${config.dedupeWindow}`);
  if (!Number.isInteger(config.workerId) || config.workerId < 0 || config.workerId > 1023)
    throw new Error(`workerId must be 0..1023, got ${config.workerId}`);
  const ids = new Set<string>();
  for (const source of config.sources) {
    if (!source.id || !source.api) throw new Error(`Every source needs an id and an api: ${JSON.stringify(source)}`);
    if (ids.has(source.id)) throw new Error(`Duplicate source id ${source.id}`);
    ids.add(source.id);
  }
}
