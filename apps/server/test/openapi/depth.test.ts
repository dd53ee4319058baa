// The JSON nesting limit (`x-max-depth`, else the documented default) on every API and every way a
// body carries JSON: deeper is a 400 problem naming the limit (never a 500 when the event is
// stored); at the limit the request is accepted and stored as sent.
import { gzipSync } from 'node:zlib';
import { defaultMaxDepth, jsonDepth } from '@trackspec/specs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, sha1, type TestApp } from '../helpers.js';

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

/** Arrays and `{"v": …}` objects in turn, `levels` deep, written as text (serialising it could overflow). */
const nestedText = (levels: number): string => {
  const open: string[] = [];
  const close: string[] = [];
  for (let level = 0; level < levels; level++) {
    open.push(level % 2 ? '{"v":' : '[');
    close.push(level % 2 ? '}' : ']');
  }
  return `${open.join('')}"leaf"${close.reverse().join('')}`;
};

interface Case {
  label: string;
  url: string;
  headers: Record<string, string>;
  /** The body with a value `levels` deep inside, and how deep the whole body then is. */
  body(levels: number): { payload: string | Buffer; depth: number };
  status: number;
}

const m1das = { 'x-write-key': 'keyId:keySecret' };
const json = (wrap: (deep: string) => string, outer: number) => (levels: number) => ({
  payload: wrap(nestedText(levels)),
  depth: levels + outer,
});
const cases: Case[] = [
  {
    label: 'm1das event (JSON)',
    url: '/m1das/api/s/track',
    headers: { ...m1das, 'content-type': 'application/json' },
    body: json((deep) => `{"event":"e","userId":"u","properties":{"deep":${deep}}}`, 2),
    status: 200,
  },
  {
    label: 'm1das event (text/plain JSON)',
    url: '/m1das/api/s/track',
    headers: { ...m1das, 'content-type': 'text/plain' },
    body: json((deep) => `{"event":"e","userId":"u","properties":{"deep":${deep}}}`, 2),
    status: 200,
  },
  {
    label: 'm1das batch (gzip JSON)',
    url: '/m1das/v1/batch',
    headers: { ...m1das, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    body: (levels) => {
      const text = `{"batch":[{"type":"track","event":"e","userId":"u","properties":{"deep":${nestedText(levels)}}}]}`;
      return { payload: gzipSync(text), depth: levels + 4 };
    },
    status: 200,
  },
  {
    label: 'tto track',
    url: '/tto/v1/track',
    headers: { 'content-type': 'application/json' },
    body: json(
      (deep) =>
        `{"type":"track","api_key":"your_api_key_here","user_id":"u","event":"e","properties":{"deep":${deep}}}`,
      2,
    ),
    status: 200,
  },
  {
    label: 'hellotext event',
    url: '/hellotext/v1/attribution/events',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ALK_token' },
    body: json((deep) => `{"action":"a","profile":"p","deep":${deep}}`, 1),
    status: 201,
  },
  {
    label: 'rockstat event (JSON)',
    url: '/rockstat/calltrack/call',
    headers: { 'content-type': 'application/json' },
    body: json((deep) => `{"deep":${deep}}`, 1),
    status: 200,
  },
  {
    label: 'dito form (JSON in the `event` field)',
    url: '/dito/users/USER',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: (levels) => ({
      payload: new URLSearchParams({
        id_type: 'id',
        platform_api_key: 'SUA_API_KEY',
        sha1_signature: sha1('SUA_SECRET_KEY'),
        network_name: 'pt',
        event: `{"action":"a","data":{"deep":${nestedText(levels)}}}`,
      }).toString(),
      depth: levels + 2,
    }),
    status: 200,
  },
];

describe(`JSON nesting limit (default ${defaultMaxDepth} levels)`, () => {
  it('measures depth on the text, strings and escapes excluded, without recursion', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{}')).toBe(1);
    expect(jsonDepth('[{"a":[1,{"b":"[[[{{{\\"[["}]}]')).toBe(4);
    expect(jsonDepth('['.repeat(1_000_000))).toBe(1_000_000);
    expect(jsonDepth('['.repeat(1_000_000), 10)).toBe(11);
    expect(jsonDepth(nestedText(500))).toBe(500);
  });

  it.each(cases)('$label: 5,000 levels (the referee case) is 400 naming the limit; nothing stored', async (c) => {
    const response = await t.app.inject({
      method: 'POST',
      url: c.url,
      headers: c.headers,
      payload: c.body(5000).payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = response.json();
    expect(problem.detail).toContain(`${defaultMaxDepth} levels`);
    expect(problem.detail).toContain('x-max-depth');
    expect(problem.errors[0]).toMatchObject({ in: 'body', detail: expect.stringContaining(`${defaultMaxDepth}`) });
    expect(await t.events()).toEqual([]);
  });

  it.each(cases)('$label: one level past the limit is 400, at the limit it is stored whole', async (c) => {
    const levels = (depth: number) => depth - (c.body(0).depth - 0);
    const over = c.body(levels(defaultMaxDepth + 1));
    expect(over.depth).toBe(defaultMaxDepth + 1);
    expect(
      (await t.app.inject({ method: 'POST', url: c.url, headers: c.headers, payload: over.payload })).statusCode,
    ).toBe(400);
    const at = c.body(levels(defaultMaxDepth));
    const response = await t.app.inject({ method: 'POST', url: c.url, headers: c.headers, payload: at.payload });
    expect(response.statusCode, response.body).toBe(c.status);
    const [stored] = await t.events();
    expect(JSON.stringify(stored!.payload)).toContain(nestedText(levels(defaultMaxDepth)));
  });
});
