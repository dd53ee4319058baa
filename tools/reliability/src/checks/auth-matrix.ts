/**
 * The auth matrix: for every API and operation that has credentials, a missing key, a wrong key,
 * another source's key, a malformed Basic header and a key in the wrong place are all refused as
 * the spec says (401, or 400 where the key is a required body field), and no answer or log line
 * contains a configured secret.
 */
import { createHash } from 'node:crypto';
import { startServerProcess } from '@trackspec/harness';
import { count, emptySummary, type Summary } from './summary.js';

interface Attempt {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Statuses the spec allows for this attempt. */
  expect: number[];
}

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
const track = JSON.stringify({ type: 'track', event: 'e', userId: 'u' });
const ttoBody = (extra: object) => JSON.stringify({ event: 'Purchase', user_id: 'u', ...extra });
const ditoForm = (extra: Record<string, string>) =>
  new URLSearchParams({ id_type: 'id', network_name: 'pt', event: '{"action":"comprou"}', ...extra }).toString();

/** Every attempt, given the demo credentials; `otherKey` belongs to another source (another API). */
function attempts(keys: {
  m1das: string;
  tto: string;
  dito: string;
  hellotext: string;
  admin: string;
  ditoSecret: string;
}): Attempt[] {
  const otherKey = keys.tto;
  const sha1OfDemoSecret = createHash('sha1').update(keys.ditoSecret).digest('hex');
  return [
    {
      label: 'm1das event: no key',
      method: 'POST',
      path: '/m1das/api/s/track',
      headers: json,
      body: track,
      expect: [401],
    },
    {
      label: 'm1das event: wrong key',
      method: 'POST',
      path: '/m1das/api/s/track',
      headers: { ...json, 'x-write-key': 'wrong:key' },
      body: track,
      expect: [401],
    },
    {
      label: "m1das event: another source's key",
      method: 'POST',
      path: '/m1das/api/s/track',
      headers: { ...json, 'x-write-key': otherKey },
      body: track,
      expect: [401],
    },
    {
      label: 'm1das event: malformed Basic',
      method: 'POST',
      path: '/m1das/api/s/track',
      headers: { ...json, authorization: 'Basic !!!not-base64' },
      body: track,
      expect: [401],
    },
    {
      label: 'm1das event: Basic with a wrong key',
      method: 'POST',
      path: '/m1das/api/s/track',
      headers: { ...json, authorization: basic('wrong:') },
      body: track,
      expect: [401],
    },
    {
      label: 'm1das event: key as a Bearer token (wrong place)',
      method: 'POST',
      path: '/m1das/api/s/track',
      headers: { ...json, authorization: `Bearer ${keys.m1das}` },
      body: track,
      expect: [401],
    },
    {
      label: 'm1das event: key in an undocumented header (wrong place)',
      method: 'POST',
      path: '/m1das/api/s/track',
      headers: { ...json, 'x-api-key': keys.m1das },
      body: track,
      expect: [401],
    },
    {
      label: 'm1das batch: no key anywhere',
      method: 'POST',
      path: '/m1das/v1/batch',
      headers: json,
      body: JSON.stringify({ batch: [JSON.parse(track)] }),
      expect: [401],
    },
    {
      label: 'm1das batch: wrong body key',
      method: 'POST',
      path: '/m1das/v1/batch',
      headers: json,
      body: JSON.stringify({ batch: [JSON.parse(track)], writeKey: 'wrong:key' }),
      expect: [401],
    },
    {
      label: "m1das batch: another source's key in the body",
      method: 'POST',
      path: '/m1das/v1/batch',
      headers: json,
      body: JSON.stringify({ batch: [JSON.parse(track)], writeKey: otherKey }),
      expect: [401],
    },
    ...(['track', 'identify', 'alias'] as const).flatMap((operation): Attempt[] => {
      const body = (extra: object) =>
        operation === 'track'
          ? ttoBody(extra)
          : operation === 'identify'
            ? JSON.stringify({ traits: { email: 'a@b.co' }, ...extra })
            : JSON.stringify({ user_id: 'u', previous_id: 'p', ...extra });
      return [
        {
          label: `tto ${operation}: no api_key (a required body field)`,
          method: 'POST',
          path: `/tto/v1/${operation}`,
          headers: json,
          body: body({}),
          expect: [400],
        },
        {
          label: `tto ${operation}: wrong api_key`,
          method: 'POST',
          path: `/tto/v1/${operation}`,
          headers: json,
          body: body({ api_key: 'wrong' }),
          expect: [401],
        },
        {
          label: `tto ${operation}: another source's key`,
          method: 'POST',
          path: `/tto/v1/${operation}`,
          headers: json,
          body: body({ api_key: keys.m1das }),
          expect: [401],
        },
        {
          label: `tto ${operation}: key in the query (wrong place)`,
          method: 'POST',
          path: `/tto/v1/${operation}?api_key=${encodeURIComponent(keys.tto)}`,
          headers: json,
          body: body({}),
          expect: [400],
        },
      ];
    }),
    { label: 'tto settings: no api_key', method: 'POST', path: '/tto/v1/settings', expect: [401] },
    { label: 'tto settings: wrong api_key', method: 'POST', path: '/tto/v1/settings?api_key=wrong', expect: [401] },
    {
      label: "tto settings: another source's key",
      method: 'POST',
      path: `/tto/v1/settings?api_key=${encodeURIComponent(keys.m1das)}`,
      expect: [401],
    },
    {
      label: 'tto settings: key in the body (wrong place)',
      method: 'POST',
      path: '/tto/v1/settings',
      headers: json,
      body: JSON.stringify({ api_key: keys.tto }),
      expect: [401],
    },
    {
      label: 'dito: no platform_api_key',
      method: 'POST',
      path: '/dito/users/u',
      headers: form,
      body: ditoForm({ sha1_signature: sha1OfDemoSecret }),
      expect: [400],
    },
    {
      label: 'dito: wrong platform_api_key',
      method: 'POST',
      path: '/dito/users/u',
      headers: form,
      body: ditoForm({ platform_api_key: 'wrong', sha1_signature: sha1OfDemoSecret }),
      expect: [401],
    },
    {
      label: "dito: another source's key",
      method: 'POST',
      path: '/dito/users/u',
      headers: form,
      body: ditoForm({ platform_api_key: keys.tto, sha1_signature: sha1OfDemoSecret }),
      expect: [401],
    },
    {
      label: 'dito: wrong sha1_signature',
      method: 'POST',
      path: '/dito/users/u',
      headers: form,
      body: ditoForm({ platform_api_key: keys.dito, sha1_signature: '0'.repeat(40) }),
      expect: [401],
    },
    {
      label: 'dito: signature in a header (wrong place)',
      method: 'POST',
      path: '/dito/users/u',
      headers: { ...form, 'x-sha1-signature': sha1OfDemoSecret },
      body: ditoForm({ platform_api_key: keys.dito }),
      expect: [400],
    },
    {
      label: 'hellotext: no token',
      method: 'POST',
      path: '/hellotext/v1/attribution/events',
      headers: json,
      body: '{"action":"a","profile":"p"}',
      expect: [401],
    },
    {
      label: 'hellotext: wrong token',
      method: 'POST',
      path: '/hellotext/v1/attribution/events',
      headers: { ...json, authorization: 'Bearer wrong' },
      body: '{"action":"a","profile":"p"}',
      expect: [401],
    },
    {
      label: "hellotext: another source's key",
      method: 'POST',
      path: '/hellotext/v1/attribution/events',
      headers: { ...json, authorization: `Bearer ${keys.m1das}` },
      body: '{"action":"a","profile":"p"}',
      expect: [401],
    },
    {
      label: 'hellotext: token as Basic (malformed for this API)',
      method: 'POST',
      path: '/hellotext/v1/attribution/events',
      headers: { ...json, authorization: basic(`${keys.hellotext}:`) },
      body: '{"action":"a","profile":"p"}',
      expect: [401],
    },
    {
      label: 'hellotext: token in the query (wrong place)',
      method: 'POST',
      path: `/hellotext/v1/attribution/events?token=${encodeURIComponent(keys.hellotext)}`,
      headers: json,
      body: '{"action":"a","profile":"p"}',
      expect: [401],
    },
    { label: 'admin: no token', method: 'GET', path: '/admin/events', expect: [401] },
    {
      label: 'admin: wrong token',
      method: 'GET',
      path: '/admin/events',
      headers: { authorization: 'Bearer wrong' },
      expect: [401],
    },
    {
      label: "admin: a source's key",
      method: 'GET',
      path: '/admin/events',
      headers: { authorization: `Bearer ${keys.hellotext}` },
      expect: [401],
    },
  ];
}

export interface AuthMatrixResult extends Summary {
  /** Attempts answered with a status the spec does not allow for them. */
  mismatches: string[];
  /** Configured secrets that showed up in an answer or a log line. */
  leaks: string[];
}

export async function runAuthMatrix(): Promise<AuthMatrixResult> {
  const result: AuthMatrixResult = { ...emptySummary('auth matrix'), mismatches: [], leaks: [] };
  const server = await startServerProcess({ env: { LOG_LEVEL: 'trace' }, config: { announceCredentials: false } });
  const keys = {
    m1das: server.credentials.m1das!.writeKey!,
    tto: server.credentials.tto!.apiKey!,
    dito: server.credentials.dito!.apiKey!,
    hellotext: server.credentials.hellotext!.token!,
    admin: server.adminToken,
    ditoSecret: server.credentials.dito!.secret!,
  };
  const secrets = Object.values(keys);
  let answers = '';
  try {
    for (const attempt of attempts(keys)) {
      const response = await fetch(server.origin + attempt.path, {
        method: attempt.method,
        headers: attempt.headers,
        body: attempt.body,
      });
      const text = await response.text();
      response.headers.forEach((value, name) => {
        answers += `${name}: ${value}\n`;
      });
      answers += `${text}\n`;
      count(result, response.status);
      if (!attempt.expect.includes(response.status))
        result.mismatches.push(`${attempt.label}: ${response.status} (expected ${attempt.expect.join(' or ')})`);
    }
  } finally {
    await server.stop();
  }
  const logs = server.output();
  for (const secret of secrets) {
    if (answers.includes(secret)) result.leaks.push(`${secret.slice(0, 4)}… in an answer`);
    if (logs.includes(secret)) result.leaks.push(`${secret.slice(0, 4)}… in the logs`);
  }
  result.notes.push(
    `${result.mismatches.length} mismatches, ${result.leaks.length} leaks, ${logs.split('\n').length} log lines checked`,
  );
  return result;
}
