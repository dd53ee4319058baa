/**
 * Against a real server process (fresh SQLite database, free loopback port): `verify-pact --target`
 * replays each request there, with the target's credentials in place of the pact's, and compares
 * the status; and pacts the typed client records of its own calls (`@trackspec/client/pact`) pass
 * verify-pact when the calls honour the spec, and fail, naming the fault, when one does not.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiClient } from '@trackspec/client';
import { recordInteractions } from '@trackspec/client/pact';
import { type ServerProcess, startServerProcess } from '@trackspec/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from './run-cli.js';

let server: ServerProcess;
let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'trackspec-pact-server-'));
  server = await startServerProcess();
});
afterAll(async () => {
  await server?.stop();
  await rm(work, { recursive: true, force: true });
});

async function writeJson(name: string, value: unknown): Promise<string> {
  const file = join(work, name);
  await writeFile(file, JSON.stringify(value));
  return file;
}

/** The fixture's three m1das interactions the spec accepts (header, Basic, query credentials). */
async function acceptedM1dasPact() {
  const pact = JSON.parse(await readFile(fixture('checkout-m1das.v3.json'), 'utf8'));
  pact.interactions = pact.interactions.slice(0, 3);
  return pact;
}

describe('verify-pact --target', () => {
  it("replays each request with the target's credentials and passes when the statuses agree", async () => {
    const target = await writeJson('target.json', {
      name: 'server',
      urls: { m1das: server.urls.m1das },
      credentials: { m1das: server.credentials.m1das },
    });
    const pact = await writeJson('accepted.json', await acceptedM1dasPact());
    const { code, output } = await runCli(['verify-pact', pact, '--target', target]);
    expect(code, output).toBe(0);
    expect(output).toContain('3 passed, 0 failed (3 interactions)');
  });

  it('fails, naming the status the provider answered, when it is not the one the pact expects', async () => {
    // The pact's own key, unknown to the server: every request is answered 401.
    const withoutCredentials = await writeJson('no-credentials.json', {
      name: 'server',
      urls: { m1das: server.urls.m1das },
      credentials: {},
    });
    const pact = await writeJson('accepted-2.json', await acceptedM1dasPact());
    const refused = await runCli(['verify-pact', pact, '--target', withoutCredentials]);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('0 passed, 3 failed (3 interactions)');
    expect(refused.output).toMatch(
      /response \/status: replay \(http:\/\/127\.0\.0\.1:\d+\/m1das\/api\/s\/track answered 401, the pact expects 200: \{/,
    );

    // A documented status (so the spec side passes) that the server does not answer.
    const expects401 = await acceptedM1dasPact();
    expects401.interactions = [{ ...expects401.interactions[0], response: { status: 401 } }];
    const target = await writeJson('target-2.json', {
      name: 'server',
      urls: { m1das: server.urls.m1das },
      credentials: { m1das: server.credentials.m1das },
    });
    const { code, output } = await runCli([
      'verify-pact',
      await writeJson('expects-401.json', expects401),
      '--target',
      target,
    ]);
    expect(code).toBe(1);
    expect(output).toContain('answered 200, the pact expects 401: {"ok":true}');
  });
});

describe('pacts recorded by the typed client', () => {
  const m1dasClient = () =>
    createApiClient('m1das', {
      baseUrl: server.urls.m1das!,
      retry: false,
      credentials: { writeKeyHeader: server.credentials.m1das!.writeKeyHeader! },
    });

  it('records its calls as a Pact v4 file that verify-pact passes', async () => {
    const client = m1dasClient();
    const file = join(work, 'pacts', 'storefront-m1das.json');
    const recorder = recordInteractions(client, file);
    const tracked = await client.POST('/api/s/{event-type}', {
      params: { path: { 'event-type': 'track' } },
      body: { type: 'track', event: 'checkout_started', userId: 'buyer@example.com' },
    });
    expect(tracked.error).toBeUndefined();
    const batch = await client.POST('/v1/batch', {
      body: { batch: [{ type: 'identify', userId: 'buyer@example.com', traits: { plan: 'pro' } }] },
    });
    expect(batch.error).toBeUndefined();
    await recorder.write();

    const pact = JSON.parse(await readFile(file, 'utf8'));
    expect(pact.consumer).toEqual({ name: 'storefront' });
    expect(pact.provider).toEqual({ name: 'm1das' });
    expect(pact.metadata.pactSpecification).toEqual({ version: '4.0' });
    expect(pact.interactions.map((interaction: { description: string }) => interaction.description)).toEqual([
      'POST /m1das/api/s/track → 200',
      'POST /m1das/v1/batch → 200',
    ]);
    const { code, output } = await runCli(['verify-pact', file]);
    expect(code, output).toBe(0);
    expect(output).toContain('storefront → m1das (Pact 4.0), against the m1das spec');
    expect(output).toContain('2 passed, 0 failed (2 interactions)');
  });

  it('records a call the spec refuses, and verify-pact names it', async () => {
    const client = m1dasClient();
    const file = join(work, 'pacts', 'careless-m1das.json');
    const recorder = recordInteractions(client, file);
    const refused = await client.POST('/api/s/{event-type}', {
      params: { path: { 'event-type': 'track' } },
      // A track without its `event`: the server refuses it, and so does the spec.
      body: { type: 'track', userId: 'buyer@example.com' } as never,
    });
    expect(refused.response.status).toBe(400);
    await recorder.write();
    const { code, output } = await runCli(['verify-pact', file]);
    expect(code).toBe(1);
    expect(output).toContain(
      '✗ careless: POST /m1das/api/s/track → 400 [ingestEvent]\n      request /body/event: required',
    );
  });
});
