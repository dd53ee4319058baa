import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { openSqliteStore } from '../src/storage/sqlite/event-store.js';
import { createTestApp, type TestApp, testConfig } from './helpers.js';

describe('the app', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(() => t.close());

  it('answers unknown URLs with a 404 problem', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/nowhere?writekey=secret' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).not.toContain('secret');
  });

  it('serves the rendered docs under /docs/', async () => {
    const index = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(index.statusCode).toBe(200);
    expect(index.body).toContain('m1das.html');
    expect((await t.app.inject({ method: 'GET', url: '/docs/../package.json' })).statusCode).toBe(404);
  });
});

describe('when the store cannot write', () => {
  it('answers 503 with Retry-After, never 2xx, and recovers when the store does', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trackspec-store-down-'));
    const file = join(dir, 'events.sqlite');
    const store = openSqliteStore(file, { busyTimeoutMs: 50 });
    const { app } = await buildApp({ config: testConfig(file), store });
    const send = () =>
      app.inject({
        method: 'POST',
        url: '/hellotext/v1/attribution/events',
        headers: { authorization: 'Bearer ALK_token' },
        payload: { action: 'a', profile: 'p' },
      });

    // Another process holds the write lock: the store cannot commit.
    const blocker = new Database(file);
    blocker.exec('BEGIN IMMEDIATE');
    const refused = await send();
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.json()).toMatchObject({ status: 503, title: 'Service Unavailable' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);

    blocker.exec('ROLLBACK');
    blocker.close();
    expect((await send()).statusCode).toBe(201);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('logs', () => {
  it('never contain credentials', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trackspec-logs-'));
    const file = join(dir, 'events.sqlite');
    const store = openSqliteStore(file);
    let logs = '';
    const stream = new Writable({
      write: (chunk, _encoding, done) => {
        logs += chunk.toString();
        done();
      },
    });
    const { app } = await buildApp({ config: testConfig(file), store, logger: { level: 'trace', stream } });
    await app.inject({
      method: 'POST',
      url: '/m1das/api/s/track?writekey=keyId:keySecret',
      payload: { event: 'e', userId: 'u' },
    });
    await app.inject({
      method: 'POST',
      url: '/m1das/api/s/track',
      headers: { 'x-write-key': 'keyId:keySecret' },
      payload: { event: 'e', userId: 'u' },
    });
    await app.inject({
      method: 'POST',
      url: '/hellotext/v1/attribution/events',
      headers: { authorization: 'Bearer ALK_token' },
      payload: { action: 'a', profile: 'p' },
    });
    await app.inject({ method: 'POST', url: '/tto/v1/settings?api_key=your_api_key_here' });
    expect(logs).toContain('/m1das/api/s/track');
    expect(logs).toContain('request completed');
    for (const secret of ['keyId:keySecret', 'keySecret', 'ALK_token', 'your_api_key_here'])
      expect(logs).not.toContain(secret);
    await app.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });
});

describe('request logging', () => {
  it.each([
    ['info', false],
    ['warn', false],
    ['debug', true],
    ['trace', true],
  ])('at %s, logs every request: %s', async (level, logged) => {
    const store = openSqliteStore(':memory:');
    let logs = '';
    const stream = new Writable({
      write: (chunk, _encoding, done) => {
        logs += chunk.toString();
        done();
      },
    });
    const { app } = await buildApp({ config: testConfig(':memory:'), store, logger: { level, stream } });
    const answer = await app.inject({
      method: 'POST',
      url: '/m1das/api/s/track',
      headers: { 'x-write-key': 'keyId:keySecret' },
      payload: { event: 'e', userId: 'u' },
    });
    expect(answer.statusCode).toBe(200);
    expect(logs.includes('incoming request')).toBe(logged);
    expect(logs.includes('request completed')).toBe(logged);
    await app.close();
    await store.close();
  });
});
