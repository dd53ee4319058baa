/**
 * `trackspec-contract verify-pact` on hand-written Pact v3 and v4 files: every interaction the
 * specs accept passes, and every one they refuse (its path, method, parameters, body, credentials,
 * or the status, body or headers it expects) fails, naming its description, the pointer and the
 * rule; the JUnit report says the same; exit codes 0, 1 and 2.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trackspec-verify-pact-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** The lines of one interaction's report: its ✓/✗ line and its failures. */
function reportOf(output: string, description: string): string[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.includes(`: ${description}`));
  if (start < 0) throw new Error(`no report for "${description}" in:\n${output}`);
  const end = lines.findIndex((line, index) => index > start && !line.startsWith('      '));
  return lines.slice(start, end).map((line) => line.trim());
}

describe('verify-pact on the fixtures', () => {
  let result: { code: number; output: string };
  const junit = () => join(work, 'pacts.xml');
  beforeAll(async () => {
    result = await runCli([
      'verify-pact',
      fixture('checkout-m1das.v3.json'),
      fixture('shop-hellotext.v4.json'),
      fixture('calltracker-rockstat.v4.json'),
      '--junit',
      junit(),
    ]);
  });

  it('exits 1 and counts the interactions', () => {
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain('6 passed, 14 failed (20 interactions)');
    expect(result.output).toContain('checkout → m1das (Pact 3.0.0), against the m1das spec');
    expect(result.output).toContain('shop → Hellotext attribution (Pact 4.0), against the hellotext spec');
    expect(result.output).toContain('calltracker → rockstat (Pact 4.0), against the rockstat spec');
  });

  it.each([
    ["a purchase tracked with the write key header, under the server's base path", 'ingestEvent'],
    ["a page view with HTTP Basic, at the vendor's own path", 'ingestEvent'],
    ['an identify with the write key in the query, written as a v2 query string', 'ingestEvent'],
    ['a purchase attributed to a profile', 'trackAttributionEvent'],
    ['a product view by session, its body base64-encoded', 'trackAttributionEvent'],
    ['a call notified by GET, its name and project in the query', 'getService'],
  ])('passes "%s" as %s', (description, operationId) => {
    expect(reportOf(result.output, description)).toEqual([expect.stringMatching(/^✓ .*\[/)]);
    expect(reportOf(result.output, description)[0]).toContain(`[${operationId}]`);
  });

  it.each([
    [
      'an event sent to a path m1das does not serve',
      'request /path: unknown-path (no m1das operation serves /api/v2/events)',
    ],
    ['a track event without its event name', 'request /body/event: required'],
    ['a purchase the consumer expects to be answered 418', 'response /status: undocumented (418 is not documented)'],
    ['a purchase whose expected answer lacks ok', 'response /body/ok: required'],
    [
      'a purchase with the write key as a bearer token',
      'request /headers/x-write-key: credential-placement (no credential where the spec puts one: the `X-Write-Key` header, or the Authorization header (Basic), or the `writekey` query parameter)',
    ],
    [
      'a purchase with the token in the query',
      'request /headers/authorization: credential-placement (no credential where the spec puts one: the Authorization header (Bearer))',
    ],
    ['a purchase whose expected answer lacks state', 'response /body/state: required'],
    // Parameters: a header (m1das' X-Retry-Count), a path segment (event-type) and query values (Rockstat).
    [
      'a browser track whose retry count is not a number',
      'request /headers/x-retry-count: pattern (must match pattern "^[0-9]+$")',
    ],
    [
      'a screen view, an event type m1das does not take',
      'request /path/event-type: enum (must be equal to one of the allowed values: page, track, identify, group, event)',
    ],
    ['a call whose project id in the query is a word', 'request /query/projectId: type (must be integer)'],
    [
      'a call whose event name in the query is empty',
      'request /query/name: minLength (must NOT have fewer than 1 characters)',
    ],
    ['a purchase read back with GET', 'request /method: method (/api/s/track serves POST, not GET)'],
    // Response headers: the 503's documented Retry-After (an integer, at least 0), in v3 and in v4.
    [
      'a purchase the consumer expects refused 503 with a Retry-After in words',
      'response /headers/retry-after: type (must be integer)',
    ],
    [
      'a purchase the shop expects refused 503 with a negative Retry-After',
      'response /headers/retry-after: minimum (must be >= 0)',
    ],
  ])('fails "%s": %s', (description, failure) => {
    const [verdict, ...failures] = reportOf(result.output, description);
    expect(verdict).toMatch(/^✗ /);
    expect(failures).toEqual([failure]);
  });

  it('says which interactions are not HTTP', () => {
    expect(result.output).toContain(
      "- an attribution message on the shop's queue (Asynchronous/Messages): not an HTTP interaction, not checked",
    );
  });

  it('writes the same verdicts as JUnit XML', async () => {
    const xml = await readFile(junit(), 'utf8');
    expect(xml).toContain('tests="20" failures="14"');
    expect(xml).toMatch(
      /<testcase classname="trackspec\.pacts\.m1das" name="checkout: a track event without its event name" time="[\d.]+">\s*<failure message="request \/body\/event: required">/,
    );
    expect(xml).toMatch(
      /<testcase classname="trackspec\.pacts\.hellotext" name="shop: a purchase attributed to a profile" time="[\d.]+"\/>/,
    );
    expect(xml).toMatch(
      /<testcase classname="trackspec\.pacts\.rockstat" name="calltracker: a call whose project id in the query is a word" time="[\d.]+">\s*<failure message="request \/query\/projectId: type \(must be integer\)">/,
    );
  });
});

describe('verify-pact on a v2 pact with form bodies (Dito)', () => {
  it('reads the form, the JSON its event field carries and the credential in the body', async () => {
    const { code, output } = await runCli(['verify-pact', fixture('crm-dito.v2.json')]);
    expect(code).toBe(1);
    expect(output).toContain('crm → dito (Pact 2.0.0), against the dito spec');
    expect(reportOf(output, 'a purchase event in the form body, its JSON in the event field')).toEqual([
      '✓ crm: a purchase event in the form body, its JSON in the event field [trackUser]',
    ]);
    expect(reportOf(output, 'an event whose JSON names no action').slice(1)).toEqual([
      'request /body/event/action: required',
    ]);
    expect(reportOf(output, 'an event with the platform key in the query instead of the body').slice(1)).toEqual([
      'request /body/platform_api_key: required',
      'request /body/platform_api_key: credential-placement (no credential where the spec puts one: the `platform_api_key` body field)',
    ]);
  });
});

describe('verify-pact exit codes and the API', () => {
  it('exits 0 when every interaction honours the spec', async () => {
    const pact = JSON.parse(await readFile(fixture('checkout-m1das.v3.json'), 'utf8'));
    pact.interactions = pact.interactions.slice(0, 3);
    const file = join(work, 'green.json');
    await writeFile(file, JSON.stringify(pact));
    const { code, output } = await runCli(['verify-pact', file]);
    expect(code, output).toBe(0);
    expect(output).toContain('3 passed, 0 failed (3 interactions)');
  });

  it('takes the API from --api when provider.name names none, and refuses a pact it cannot place', async () => {
    const pact = JSON.parse(await readFile(fixture('shop-hellotext.v4.json'), 'utf8'));
    pact.provider.name = 'attribution-service';
    pact.interactions = pact.interactions.slice(0, 2);
    const file = join(work, 'unnamed.json');
    await writeFile(file, JSON.stringify(pact));
    const refused = await runCli(['verify-pact', file]);
    expect(refused.code).toBe(2);
    expect(refused.output).toContain('provider "attribution-service" names no registered API');
    const named = await runCli(['verify-pact', file, '--api', 'hellotext']);
    expect(named.code, named.output).toBe(0);
    // The same requests held to another API's spec are no operation of it.
    const wrongApi = await runCli(['verify-pact', file, '--api', 'tto']);
    expect(wrongApi.code).toBe(1);
    expect(wrongApi.output).toContain('request /path: unknown-path (no tto operation serves /v1/attribution/events)');
  });

  it('passes a 503 whose pact leaves out the required Retry-After: a pact names only the headers its consumer relies on', async () => {
    const pact = JSON.parse(await readFile(fixture('shop-hellotext.v4.json'), 'utf8'));
    const refused = pact.interactions.find(
      ({ response }: { response?: { status: number } }) => response?.status === 503,
    );
    delete refused.response.headers['Retry-After'];
    pact.interactions = [refused];
    const file = join(work, 'no-retry-after.json');
    await writeFile(file, JSON.stringify(pact));
    const { code, output } = await runCli(['verify-pact', file]);
    expect(code, output).toBe(0);
    expect(output).toContain('1 passed, 0 failed (1 interactions)');
  });

  it('refuses a file that is no pact, naming what is missing', async () => {
    const file = join(work, 'not-a-pact.json');
    await writeFile(file, JSON.stringify({ consumer: { name: 'x' }, interactions: [{ request: {}, response: {} }] }));
    const { code, output } = await runCli(['verify-pact', file]);
    expect(code).toBe(2);
    expect(output).toContain(`${file}: /provider/name: required`);
    expect(output).toContain(`${file}: /interactions/0/request/method: required`);
    expect(output).toContain(`${file}: /interactions/0/response/status: must be a number`);
  });
});
