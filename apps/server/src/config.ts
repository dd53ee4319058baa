/**
 * Server configuration: a YAML or JSON file (path from `--config` or `TRACKSPEC_CONFIG`), then
 * environment overrides, checked together against the config's JSON Schema (config.schema.json, the
 * one description of its shape; editors complete it through the `yaml-language-server` line of
 * demo.config.yaml). The schema also gives the defaults. A bad value is a ConfigError whose message
 * is one line: the field (or the environment variable that set it) and what is wrong.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { apiNames, compileCheck, defaultBasePath, type ErrorObject } from '@trackspec/specs';
import { parse } from 'yaml';
import type configSchema from './config.schema.json';
import { configCheckOptions, schemaForRegistry } from './config-schema.js';
import { precompiledChecks } from './generated/validators/index.js';
import type { LingeringCloseLimits } from './lingering-close.js';
import type { MetricsConfig } from './metrics.js';
import type { PostgresStoreOptions } from './storage/postgres/connect.js';

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

/** The members' meaning, ranges and defaults are in config.schema.json. */
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
  /** SQLite store settings: how long a write waits for the database's lock before the request gets 503. */
  sqlite: { busyTimeoutMs: number };
  /** SQLite: how many of the most recent events' message ids are kept in memory to drop retried duplicates (24–32 bytes each, allocated at start-up: 24 MB at the default 1,000,000). */
  dedupeWindow: number;
  /** 0..1023: distinguishes processes in generated ids (SQLite; on PostgreSQL each replica leases its own). */
  workerId: number;
  /** Bearer token of the admin API; `false` (or empty) turns it off: the admin API then refuses everything. */
  adminToken: string | false;
  /** URL prefix per API (default `/<name>`); `admin` is the admin API's. */
  basePaths: Record<string, string>;
  defaultBodyLimit: number;
  shutdownDrainMs: number;
  /** Bounds on reading and discarding the rest of a body refused before it was read whole (src/lingering-close.ts). */
  lingeringClose: LingeringCloseLimits;
  announceCredentials: boolean;
  sources: SourceConfig[];
  /** Prometheus metrics on their own listener (`GET /metrics`); absent: none. Host defaults to loopback. */
  metrics?: MetricsConfig;
}

// The schema and the interfaces name the same members: a member added to one only fails the typecheck.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const membersAgree: [
  Same<keyof typeof configSchema.properties, keyof ServerConfig>,
  Same<keyof typeof configSchema.$defs.source.properties, keyof SourceConfig>,
] = [true, true];
void membersAgree;

/** A config that cannot be used; the message is one line naming the field and the reason. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The environment variables that override members. */
const overrides = {
  PORT: 'port',
  HOST: 'host',
  TRACKSPEC_DATABASE: 'database',
  TRACKSPEC_WORKER_ID: 'workerId',
  TRACKSPEC_ADMIN_TOKEN: 'adminToken',
} as const satisfies Record<string, keyof ServerConfig>;

/** Members whose values are never repeated in messages. */
const secretMembers = new Set(['keys', 'secret', 'adminToken', 'settings', 'postgres']);

type JsonSchema = Record<string, unknown>;

let validator: ReturnType<typeof compileCheck> | undefined;
function validate(data: unknown): readonly ErrorObject[] {
  // Precompiled at build time (scripts/generate-validators.ts) unless the registry differs from the build's.
  validator ??= compileCheck(configCheckOptions, schemaForRegistry(), precompiledChecks);
  return validator(data) ? [] : (validator.errors ?? []);
}

export function loadConfig(path: string | undefined, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const file = path ? readConfigFile(path) : {};
  const data: Record<string, unknown> = { ...file };
  const fromEnv = new Map<string, string>();
  for (const [variable, member] of Object.entries(overrides)) {
    const value = env[variable];
    if (!value) continue; // unset or empty: the file's value
    data[member] = member === 'port' || member === 'workerId' ? (/^-?\d+$/.test(value) ? Number(value) : value) : value;
    fromEnv.set(member, variable);
  }
  // One error: the only one, or for `anyOf` the last (the alternatives' errors come first).
  const error = validate(data).at(-1);
  if (error) throw new ConfigError(describeError(error, fromEnv));
  const config = data as unknown as ServerConfig;
  checkUnique(config);
  // A relative database path in the file is relative to the file (not a `file:` URI, a URL or `:memory:`).
  if (path && !fromEnv.has('database') && typeof file.database === 'string' && isRelativeFilePath(file.database))
    config.database = resolve(dirname(path), file.database);
  return config;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (error) {
    // The parser's first line says what and where; the rest is a code frame.
    throw new ConfigError(`${path}: ${(error as Error).message.split('\n')[0]?.replace(/:$/, '')}`);
  }
  if (parsed === null || parsed === undefined) return {}; // an empty file: every member from the defaults or the environment
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError(
      `${path}: must be a mapping of config members, not ${Array.isArray(parsed) ? 'a list' : typeof parsed}`,
    );
  return parsed as Record<string, unknown>;
}

function isRelativeFilePath(database: string): boolean {
  return database !== ':memory:' && !database.startsWith('file:') && !/^[a-z][a-z0-9+.-]*:\/\//i.test(database);
}

/** What the schema cannot say: a key identifies one source, and source ids are unique. */
function checkUnique(config: ServerConfig): void {
  const keyAt = new Map<string, string>();
  const idAt = new Map<string, string>();
  config.sources.forEach((source, index) => {
    const earlier = idAt.get(source.id);
    if (earlier)
      throw new ConfigError(`sources[${index}].id: ${JSON.stringify(source.id)} is already the id of ${earlier}`);
    idAt.set(source.id, `sources[${index}]`);
    source.keys?.forEach((key, keyIndex) => {
      const at = `sources[${index}].keys[${keyIndex}]`;
      const first = keyAt.get(key);
      if (first) throw new ConfigError(`${at}: the same key as ${first} (a key identifies one source)`);
      keyAt.set(key, at);
    });
  });
}

/** `/sources/1/keys/0` → `sources[1].keys[0]`; a member set by the environment is named by its variable. */
function fieldName(instancePath: string, fromEnv: ReadonlyMap<string, string>): string {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  const variable = segments.length === 1 ? fromEnv.get(segments[0]!) : undefined;
  if (variable) return variable;
  return segments.reduce(
    (name, segment) => (/^\d+$/.test(segment) ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment),
    '',
  );
}

function describeError(error: ErrorObject, fromEnv: ReadonlyMap<string, string>): string {
  const at = (suffix: string) => fieldName(`${error.instancePath}/${suffix}`, fromEnv);
  const field = fieldName(error.instancePath, fromEnv) || '(the config)';
  const schema = (error.parentSchema ?? {}) as JsonSchema;
  const shown = !error.instancePath.split('/').some((segment) => secretMembers.has(segment));
  const got =
    shown && (typeof error.data !== 'object' || error.data === null) ? ` (got ${JSON.stringify(error.data)})` : '';
  switch (error.keyword) {
    case 'additionalProperties': {
      const known = Object.keys((schema.properties as JsonSchema | undefined) ?? {});
      const member = String(error.params.additionalProperty);
      return known.length
        ? `${at(member)}: unknown member (known: ${known.join(', ')})`
        : `${at(member)}: ${describeSchema(schema.additionalProperties as JsonSchema)}`;
    }
    case 'required': {
      const member = String(error.params.missingProperty);
      const variable = Object.entries(overrides).find(([, name]) => name === member)?.[0];
      const property = ((schema.properties as JsonSchema | undefined)?.[member] ?? {}) as JsonSchema;
      return `${at(member)}: required: ${describeSchema(property)}${variable ? ` (or set ${variable})` : ''}`;
    }
    case 'propertyNames':
      return `${at(String(error.params.propertyName))}: unknown API (known: ${apiNames.join(', ')})`;
    case 'enum':
      return error.instancePath.endsWith('/api')
        ? `${field}: unknown API ${JSON.stringify(error.data)} (known: ${apiNames.join(', ')})`
        : `${field}: must be one of ${(schema.enum as unknown[]).map((value) => JSON.stringify(value)).join(', ')}${got}`;
    case 'uniqueItems': {
      const [first, again] = [error.params.i as number, error.params.j as number].sort((a, b) => a - b);
      return `${field}[${again}]: the same value as ${field}[${first}]`;
    }
    default:
      return `${field}: must be ${describeSchema(schema)}${got}`;
  }
}

/** What a value of the schema looks like, in words: "an integer from 0 to 65535", "a non-empty string". */
function describeSchema(schema: JsonSchema): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as JsonSchema[]).map(describeSchema).join(' or ');
  if ('const' in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return `one of ${schema.enum.map((value) => JSON.stringify(value)).join(', ')}`;
  const { minimum, maximum } = schema as { minimum?: number; maximum?: number };
  switch (schema.type) {
    case 'string':
      if (typeof schema.pattern === 'string') return `a string matching ${schema.pattern}`;
      return schema.minLength ? 'a non-empty string' : 'a string';
    case 'integer':
    case 'number': {
      const what = schema.type === 'integer' ? 'an integer' : 'a number';
      if (minimum !== undefined && maximum !== undefined && maximum < Number.MAX_SAFE_INTEGER)
        return `${what} from ${minimum} to ${maximum}`;
      if (minimum !== undefined) return `${what} ≥ ${minimum}`;
      return what;
    }
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    default:
      return 'valid';
  }
}

/** The URL prefix of an API. */
export function basePath(config: ServerConfig, api: string): string {
  return config.basePaths[api] ?? defaultBasePath(api);
}

/**
 * Every source a key can belong to: the configured ones, and the admin API's operator, whose key is
 * the admin token (none when it is off, so the admin API refuses everything).
 */
export function keyedSources(config: ServerConfig): SourceConfig[] {
  return config.adminToken
    ? [...config.sources, { id: 'admin', api: 'admin', keys: [config.adminToken] }]
    : config.sources;
}
