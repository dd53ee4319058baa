import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseSnowflake } from '../../src/ids/snowflake.js';
import { createTestApp, type TestApp } from '../helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe('rockstat', () => {
  it.each([
    [
      'GET /calltrack/call/99?param=…',
      'GET',
      '/rockstat/calltrack/call/99?param=myparamvalue',
      undefined,
      undefined,
      { name: 'call', projectId: 99, data: { param: 'myparamvalue' } },
    ],
    [
      'GET /calltrack?name=call',
      'GET',
      '/rockstat/calltrack?name=call',
      undefined,
      undefined,
      { name: 'call', projectId: 0, data: {} },
    ],
    [
      'GET /calltrack/call?projectId=99',
      'GET',
      '/rockstat/calltrack/call?projectId=99',
      undefined,
      undefined,
      { name: 'call', projectId: 99, data: {} },
    ],
    [
      'POST JSON',
      'POST',
      '/rockstat/calltrack/call',
      'application/json',
      JSON.stringify({ key1: 'value1', key2: 'value2' }),
      { name: 'call', projectId: 0, data: { key1: 'value1', key2: 'value2' } },
    ],
    [
      'POST urlencoded',
      'POST',
      '/rockstat/calltrack/call',
      'application/x-www-form-urlencoded',
      'param1=value1&param2=value26',
      { name: 'call', projectId: 0, data: { param1: 'value1', param2: 'value26' } },
    ],
    [
      'POST with name and projectId in the query',
      'POST',
      '/rockstat/calltrack?name=call&projectId=99',
      'application/json',
      JSON.stringify({ data: 'mydaa' }),
      { name: 'call', projectId: 99, data: { data: 'mydaa' } },
    ],
    [
      'POST with the name in the body',
      'POST',
      '/rockstat/calltrack',
      'application/json',
      JSON.stringify({ name: 'call', extra: 1 }),
      { name: 'call', projectId: 0 },
    ],
    [
      'body merged with query, the query winning',
      'POST',
      '/rockstat/calltrack/call?a=query',
      'application/json',
      JSON.stringify({ a: 'body', b: 'body' }),
      { data: { a: 'query', b: 'body' } },
    ],
  ])('%s', async (_, method, url, contentType, payload, message) => {
    const response = await t.app.inject({
      method: method as 'GET',
      url,
      headers: { 'user-agent': 'curl/7.60.0', ...(contentType ? { 'content-type': contentType } : {}) },
      ...(payload ? { payload } : {}),
    });
    expect(response.statusCode).toBe(200);
    const { key, id } = response.json();
    expect(key).toBe('in.gen.calltrack.call');
    expect(id).toMatch(/^[0-9]{1,20}$/);
    const [stored] = await t.events();
    expect(stored!.payload).toMatchObject({
      key,
      id,
      channel: 'http',
      service: 'calltrack',
      td: { ua: 'curl/7.60.0' },
      ...message,
    });
    expect(stored!.source).toBe(stored!.payload.projectId === 99 ? 'calls' : 'rockstat-default');
  });

  it('answers 400 naming the missing event name', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/rockstat/calltrack' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ in: 'query', pointer: '/name' })]);
  });

  it('answers 400 for a project id that is not a number', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/rockstat/calltrack/call/abc' });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors).toEqual([expect.objectContaining({ in: 'path', pointer: '/project_id' })]);
  });

  it('gives time-ordered, unique 64-bit ids carrying the worker id', async () => {
    const ids: string[] = [];
    for (let index = 0; index < 50; index++)
      ids.push((await t.app.inject({ method: 'GET', url: '/rockstat/calltrack/call' })).json().id);
    expect(new Set(ids).size).toBe(50);
    expect([...ids].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))).toEqual(ids);
    expect(parseSnowflake(ids[0]!).workerId).toBe(7);
  });
});
