/**
 * Limits and bad input: oversize bodies, wrong content types, invalid JSON, deep nesting, huge
 * strings, invalid UTF-8 and gzip bombs each get a clear 4xx; the server stays up and its memory
 * stays bounded.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { startServerProcess } from '@trackspec/harness';
import { count, emptySummary, type Summary } from './summary.js';

interface BadRequest {
  label: string;
  path: string;
  headers: Record<string, string>;
  body: string | Buffer;
  /** Allowed answers: a 4xx, or a 2xx where the input is odd but valid. */
  expect: number[];
}

export interface LimitsResult extends Summary {
  mismatches: string[];
  peakRssMb: number;
}

export async function runLimits({ rounds = 1 }: { rounds?: number } = {}): Promise<LimitsResult> {
  const result: LimitsResult = { ...emptySummary('limits and bad input'), mismatches: [], peakRssMb: 0 };
  const server = await startServerProcess({ env: { LOG_LEVEL: 'error' } });
  const key = server.credentials.m1das!.writeKey!;
  const m1das = { 'content-type': 'application/json', 'x-write-key': key };
  const event = (properties: object) => JSON.stringify({ type: 'track', event: 'e', userId: 'u', properties });
  const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
  // Deep but small (about 10 KB): within every size limit, so only a nesting limit stops it.
  const deep5k = `${'[{"v":'.repeat(2_500)}0${'}]'.repeat(2_500)}`;
  const hellotext = {
    'content-type': 'application/json',
    authorization: `Bearer ${server.credentials.hellotext!.token}`,
  };
  const dito = server.credentials.dito!;
  const deepEverywhere: BadRequest[] = [
    ['m1das event', '/m1das/api/s/track', m1das, `{"event":"e","userId":"u","properties":{"deep":${deep5k}}}`],
    [
      'm1das event as text/plain',
      '/m1das/api/s/track',
      { ...m1das, 'content-type': 'text/plain' },
      `{"event":"e","userId":"u","properties":{"deep":${deep5k}}}`,
    ],
    [
      'm1das batch, gzip',
      '/m1das/v1/batch',
      { ...m1das, 'content-encoding': 'gzip' },
      gzipSync(`{"batch":[{"type":"track","event":"e","userId":"u","properties":{"deep":${deep5k}}}]}`),
    ],
    [
      'tto track',
      '/tto/v1/track',
      { 'content-type': 'application/json' },
      `{"type":"track","api_key":"${server.credentials.tto!.apiKey}","user_id":"u","event":"e","properties":{"deep":${deep5k}}}`,
    ],
    ['hellotext event', '/hellotext/v1/attribution/events', hellotext, `{"action":"a","profile":"p","deep":${deep5k}}`],
    ['rockstat event', '/rockstat/calltrack/call', { 'content-type': 'application/json' }, `{"deep":${deep5k}}`],
    [
      'dito event form field',
      '/dito/users/u',
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({
        id_type: 'id',
        platform_api_key: dito.apiKey ?? '',
        sha1_signature: createHash('sha1')
          .update(dito.secret ?? '')
          .digest('hex'),
        network_name: 'pt',
        event: `{"action":"a","data":{"deep":${deep5k}}}`,
      }).toString(),
    ],
  ].map(([label, path, headers, body]) => ({
    label: `deep nesting within the size limits (5,000 levels): ${label}`,
    path: path as string,
    headers: headers as Record<string, string>,
    body: body as string | Buffer,
    expect: [400],
  }));
  const cases: BadRequest[] = [
    ...deepEverywhere,
    {
      label: 'event over 32 KB',
      path: '/m1das/api/s/track',
      headers: m1das,
      body: event({ blob: 'x'.repeat(40_000) }),
      expect: [413],
    },
    {
      label: 'batch over 500 KB',
      path: '/m1das/v1/batch',
      headers: m1das,
      body: JSON.stringify({
        batch: Array.from({ length: 50 }, () => JSON.parse(event({ blob: 'x'.repeat(12_000) }))),
      }),
      expect: [413],
    },
    {
      label: 'body over the default 1 MiB limit',
      path: '/hellotext/v1/attribution/events',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.credentials.hellotext!.token}` },
      body: JSON.stringify({ action: 'x'.repeat(2_000_000), profile: 'p' }),
      expect: [413],
    },
    {
      label: 'wrong content type',
      path: '/m1das/api/s/track',
      headers: { ...m1das, 'content-type': 'application/xml' },
      body: '<track/>',
      expect: [415],
    },
    {
      label: 'form body where JSON is declared',
      path: '/hellotext/v1/attribution/events',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${server.credentials.hellotext!.token}`,
      },
      body: 'action=a&profile=p',
      expect: [415],
    },
    {
      label: 'invalid JSON',
      path: '/m1das/api/s/track',
      headers: m1das,
      body: '{"type": "track", "event": ',
      expect: [400],
    },
    {
      label: 'JSON that is not an object',
      path: '/m1das/api/s/track',
      headers: m1das,
      body: '"just a string"',
      expect: [400],
    },
    {
      label: 'deep nesting (100,000 levels)',
      path: '/m1das/api/s/track',
      headers: m1das,
      body: `{"type":"track","event":"e","userId":"u","properties":{"deep":${deep}}}`,
      expect: [400, 413],
    },
    {
      label: 'huge string within the limit',
      path: '/m1das/api/s/track',
      headers: m1das,
      body: event({ text: 'y'.repeat(30_000) }),
      expect: [200],
    },
    {
      label: 'invalid UTF-8',
      path: '/m1das/api/s/track',
      headers: m1das,
      body: Buffer.concat([
        Buffer.from('{"type":"track","event":"'),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('","userId":"u"}'),
      ]),
      expect: [200, 400],
    },
    {
      label: 'gzip bomb (10 MB of zeros)',
      path: '/m1das/v1/batch',
      headers: { ...m1das, 'content-encoding': 'gzip' },
      body: gzipSync(Buffer.alloc(10_000_000, 0x20)),
      expect: [413],
    },
    {
      label: 'corrupt gzip',
      path: '/m1das/api/s/track',
      headers: { ...m1das, 'content-encoding': 'gzip' },
      body: Buffer.from('not gzip at all'),
      expect: [400],
    },
    {
      label: 'unsupported content encoding',
      path: '/m1das/api/s/track',
      headers: { ...m1das, 'content-encoding': 'br' },
      body: event({}),
      expect: [415],
    },
    { label: 'empty body where one is required', path: '/m1das/api/s/track', headers: m1das, body: '', expect: [400] },
    {
      label: 'NUL bytes in a field',
      path: '/m1das/api/s/track',
      headers: m1das,
      body: event({ nul: '\u0000\u0000' }),
      expect: [200],
    },
  ];
  try {
    for (let round = 0; round < rounds; round++) {
      for (const bad of cases) {
        let status: number | undefined;
        let contentType = '';
        try {
          const response = await fetch(server.origin + bad.path, {
            method: 'POST',
            headers: bad.headers,
            body: typeof bad.body === 'string' ? bad.body : new Uint8Array(bad.body),
          });
          status = response.status;
          contentType = response.headers.get('content-type') ?? '';
          await response.arrayBuffer();
        } catch {
          status = undefined;
        }
        count(result, status);
        const problemJson = status === undefined || status < 400 || contentType.startsWith('application/problem+json');
        if (status === undefined || !bad.expect.includes(status) || !problemJson)
          result.mismatches.push(
            `${bad.label}: ${status ?? 'no answer'} ${contentType} (expected ${bad.expect.join(' or ')})`,
          );
      }
    }
    const health = await fetch(`${server.origin}/healthz`);
    if (!health.ok) result.mismatches.push(`the server is not healthy afterwards: ${health.status}`);
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    result.peakRssMb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
    result.notes.push(`server peak RSS ${result.peakRssMb} MB, ${result.mismatches.length} mismatches`);
  } finally {
    await server.stop();
  }
  return result;
}
