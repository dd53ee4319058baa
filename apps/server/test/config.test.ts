// Choosing the store from the config: a SQLite path relative to the config file, or a PostgreSQL URL as given.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

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

describe('database in the config', () => {
  it('resolves a SQLite path against the config file', () => {
    const path = configFile('database: ./data/events.sqlite\n');
    expect(loadConfig(path, {}).database).toBe(join(path, '..', 'data', 'events.sqlite'));
  });

  it('keeps a PostgreSQL URL and its settings as given', () => {
    const path = configFile(
      'database: postgres://ingest@db.internal:5432/events\npostgres:\n  poolSize: 8\n  statementTimeoutMs: 2000\n',
    );
    const config = loadConfig(path, {});
    expect(config.database).toBe('postgres://ingest@db.internal:5432/events');
    expect(config.postgres).toEqual({ poolSize: 8, statementTimeoutMs: 2000 });
  });

  it('takes TRACKSPEC_DATABASE over the file', () => {
    const path = configFile('database: ./events.sqlite\n');
    const config = loadConfig(path, { TRACKSPEC_DATABASE: 'postgresql://ingest@127.0.0.1/events' });
    expect(config.database).toBe('postgresql://ingest@127.0.0.1/events');
  });
});
