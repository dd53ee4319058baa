// A throw-away npm registry for tests: Verdaccio with its storage, users and config in a temporary
// folder, and no uplinks, so it never asks another registry for anything; a user made through its
// API, whose token is in an npmrc of its own for `--userconfig` (never the user's ~/.npmrc).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('./verdaccio-main.ts', import.meta.url));

export interface TestRegistry {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  /** An npmrc with the publishing user's token for this registry, and nothing else. */
  userconfig: string;
  /** Verdaccio's own output so far (for a failure's message). */
  output(): string;
  stop(): Promise<void>;
}

// Every package comes from this registry's storage alone: no `proxy:` and no uplinks.
const config = `storage: ./storage
auth:
  htpasswd:
    file: ./htpasswd
    max_users: 10
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
    unpublish: $authenticated
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`;

export async function startTestRegistry(): Promise<TestRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'trackspec-verdaccio-'));
  await writeFile(join(dir, 'config.yaml'), config);
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', main, join(dir, 'config.yaml')], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /verdaccio-main listening (\S+)/.exec(output);
        if (match) resolve(match[1]!);
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);
      child.once('exit', (code) => reject(new Error(`Verdaccio exited (${code}) before listening:\n${output}`)));
    });
    // A user made through the registry's API (what `npm adduser` does): the answer carries its token.
    const user = 'trackspec-release-test';
    const response = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user, password: 'throw-away-password', type: 'user', roles: [] }),
    });
    const body = (await response.json()) as { token?: string };
    if (!response.ok || !body.token)
      throw new Error(`Verdaccio refused the test user (${response.status}): ${JSON.stringify(body)}`);
    const userconfig = join(dir, 'publisher.npmrc');
    await writeFile(userconfig, `//${new URL(url).host}/:_authToken=${body.token}\n`);
    return { url, userconfig, output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
