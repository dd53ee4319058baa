// The config file and its environment overrides (config.ts), checked against config.schema.json. The
// server process's answer to each bad value is in startup.test.ts; here what a good config becomes and
// the messages of the cases a process test need not repeat.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiNames } from '@trackspec/specs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError, keyedSources, loadConfig } from '../src/config.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));
const demoPath = join(serverDir, 'demo.config.yaml');
const schemaPath = join(serverDir, 'src/config.schema.json');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function configFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'trackspec-config-'));
  dirs.push(dir);
  const path = join(dir, 'config.yaml');
  writeFileSync(path, text);
  return path;
}

function errorOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the config was accepted');
}

describe('a good config', () => {
  it('gets the schema defaults for what it leaves out', () => {
    const config = loadConfig(configFile('adminToken: t\n'), {});
    expect(config).toEqual({
      host: '127.0.0.1',
      port: 8080,
      database: './data/trackspec.sqlite',
      dedupeWindow: 1_000_000,
      workerId: 0,
      adminToken: 't',
      basePaths: {},
      defaultBodyLimit: 1024 * 1024,
      sqlite: { busyTimeoutMs: 2000 },
      shutdownDrainMs: 2000,
      lingeringClose: { timeMs: 30_000, idleTimeoutMs: 5_000, maxBytes: 64 * 1024 * 1024 },
      announceCredentials: false,
      sources: [],
    });
  });

  it('takes the environment over the file, numbers as numbers', () => {
    const path = configFile('adminToken: file-token\nport: 1\nhost: ::1\n');
    const config = loadConfig(path, {
      PORT: '9090',
      HOST: '0.0.0.0',
      TRACKSPEC_DATABASE: 'rel/events.sqlite',
      TRACKSPEC_WORKER_ID: '12',
      TRACKSPEC_ADMIN_TOKEN: 'env-token',
    });
    expect(config).toMatchObject({
      port: 9090,
      host: '0.0.0.0',
      database: 'rel/events.sqlite', // from the environment: relative to the working directory, as given
      workerId: 12,
      adminToken: 'env-token',
    });
  });

  it('ignores empty environment variables', () => {
    expect(loadConfig(configFile('adminToken: t\nport: 1\n'), { PORT: '', TRACKSPEC_ADMIN_TOKEN: '' })).toMatchObject({
      port: 1,
      adminToken: 't',
    });
  });

  it('takes the admin token from TRACKSPEC_ADMIN_TOKEN alone', () => {
    expect(loadConfig(configFile('port: 1\n'), { TRACKSPEC_ADMIN_TOKEN: 'env' }).adminToken).toBe('env');
  });

  it('turns the admin API off with adminToken: false (no admin source)', () => {
    const config = loadConfig(configFile('adminToken: false\n'), {});
    expect(config.adminToken).toBe(false);
    expect(keyedSources(config)).toEqual([]);
  });

  it('resolves a relative SQLite path in the file against the file, and keeps :memory: and URIs', () => {
    const path = configFile('adminToken: t\ndatabase: ./data/events.sqlite\n');
    expect(loadConfig(path, {}).database).toBe(join(path, '..', 'data', 'events.sqlite'));
    for (const database of [':memory:', 'file:events?mode=memory', 'postgres://ingest@db.internal/events'])
      expect(loadConfig(configFile(`adminToken: t\ndatabase: "${database}"\n`), {}).database).toBe(database);
  });

  it('accepts a source of every API of the registry, and a base path for each', () => {
    const sources = apiNames.map((api, index) => `  - { id: s${index}, api: ${api} }`).join('\n');
    const basePaths = apiNames.map((api) => `  ${api}: /v/${api}`).join('\n');
    const config = loadConfig(configFile(`adminToken: t\nsources:\n${sources}\nbasePaths:\n${basePaths}\n`), {});
    expect(config.sources.map((source) => source.api)).toEqual(apiNames);
  });

  it('accepts postgres settings as an object (for the PostgreSQL store)', () => {
    const config = loadConfig(configFile('adminToken: t\npostgres: { poolSize: 8 }\n'), {});
    expect(config.postgres).toEqual({ poolSize: 8 });
  });

  it('loads an empty file when the environment gives the admin token', () => {
    expect(loadConfig(configFile(''), { TRACKSPEC_ADMIN_TOKEN: 't' }).port).toBe(8080);
  });

  it('loads the demo config, which the published schema (as editors read it) accepts', () => {
    expect(readFileSync(demoPath, 'utf8').split('\n')[0]).toBe(
      '# yaml-language-server: $schema=./src/config.schema.json',
    );
    const validate = new Ajv2020({ strict: true }).compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    expect(validate(parse(readFileSync(demoPath, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
    expect(loadConfig(demoPath, {}).sources.map((source) => source.api)).toEqual([
      'm1das',
      'tto',
      'dito',
      'hellotext',
      'rockstat',
    ]);
  });
});

describe('a bad config: one line naming the field and the reason', () => {
  const cases: Array<[string, string, NodeJS.ProcessEnv, string]> = [
    [
      'a base path of an unknown API',
      'adminToken: t\nbasePaths: { nope: /x }\n',
      {},
      `basePaths.nope: unknown API (known: ${apiNames.join(', ')})`,
    ],
    [
      'a base path without its slash',
      'adminToken: t\nbasePaths: { tto: x }\n',
      {},
      'basePaths.tto: must be a string matching ^/ (got "x")',
    ],
    [
      'a source without an api',
      'adminToken: t\nsources: [{ id: a }]\n',
      {},
      `sources[0].api: required: one of ${apiNames.map((api) => `"${api}"`).join(', ')}`,
    ],
    [
      'the same key twice in one source',
      'adminToken: t\nsources: [{ id: a, api: tto, keys: [k, k] }]\n',
      {},
      'sources[0].keys[1]: the same value as sources[0].keys[0]',
    ],
    [
      'the same source id twice',
      'adminToken: t\nsources: [{ id: a, api: tto }, { id: a, api: m1das }]\n',
      {},
      'sources[1].id: "a" is already the id of sources[0]',
    ],
    [
      'keys that are not a list',
      'adminToken: t\nsources: [{ id: a, api: tto, keys: k }]\n',
      {},
      'sources[0].keys: must be a list',
    ],
    [
      'a negative dedupe window',
      'adminToken: t\ndedupeWindow: -1\n',
      {},
      'dedupeWindow: must be an integer from 0 to 4294967294 (got -1)',
    ],
    [
      'a port with a fraction in PORT',
      'adminToken: t\n',
      { PORT: '80.5' },
      'PORT: must be an integer from 0 to 65535 (got "80.5")',
    ],
    [
      'a flag that is not a boolean',
      'adminToken: t\nannounceCredentials: yes please\n',
      {},
      'announceCredentials: must be true or false (got "yes please")',
    ],
    ['postgres settings that are not an object', 'adminToken: t\npostgres: fast\n', {}, 'postgres: must be a mapping'],
    ['a list instead of a mapping', '- adminToken\n', {}, 'must be a mapping of config members, not a list'],
    [
      'a secret never repeated',
      'adminToken: t\nsources: [{ id: a, api: dito, secret: 7 }]\n',
      {},
      'sources[0].secret: must be a non-empty string',
    ],
  ];

  it.each(cases)('%s', (_name, text, env, message) => {
    const path = configFile(text);
    expect(errorOf(() => loadConfig(path, env))).toBe(
      message.startsWith('must be a mapping of') ? `${path}: ${message}` : message,
    );
  });
});

describe('database in the config', () => {
  it('resolves a SQLite path against the config file', () => {
    const path = configFile('adminToken: t\ndatabase: ./data/events.sqlite\n');
    expect(loadConfig(path, {}).database).toBe(join(path, '..', 'data', 'events.sqlite'));
  });

  it('keeps a PostgreSQL URL and its settings as given', () => {
    const path = configFile(
      'adminToken: t\ndatabase: postgres://ingest@db.internal:5432/events\npostgres:\n  poolSize: 8\n  statementTimeoutMs: 2000\n',
    );
    const config = loadConfig(path, {});
    expect(config.database).toBe('postgres://ingest@db.internal:5432/events');
    expect(config.postgres).toEqual({ poolSize: 8, statementTimeoutMs: 2000 });
  });

  it('takes TRACKSPEC_DATABASE over the file', () => {
    const path = configFile('adminToken: t\ndatabase: ./events.sqlite\n');
    const config = loadConfig(path, { TRACKSPEC_DATABASE: 'postgresql://ingest@127.0.0.1/events' });
    expect(config.database).toBe('postgresql://ingest@127.0.0.1/events');
  });
});
