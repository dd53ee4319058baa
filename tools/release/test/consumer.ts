// A project that installs our packages the way another team does, outside the workspace: what
// test/published.test.ts (tarballs) and test/registry.test.ts (a registry) run in it.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** A fresh, empty ES-module project in a temporary folder, with `files` (name → text) written into it. */
export async function consumerProject(files: Record<string, string> = {}): Promise<string> {
  const project = await mkdtemp(join(tmpdir(), 'trackspec-consumer-'));
  await writeFile(join(project, 'package.json'), '{ "name": "consumer", "private": true, "type": "module" }\n');
  for (const [name, text] of Object.entries(files)) await writeFile(join(project, name), text);
  return project;
}

/** `npm <args>` in the project; a failure throws with the end of npm's own output. */
export async function npmIn(project: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  try {
    const { stdout } = await execFileAsync('npm', args, {
      cwd: project,
      env,
      timeout: 240_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const failed = error as Error & { stdout?: string; stderr?: string };
    throw new Error(
      `npm ${args.join(' ')} failed: ${failed.message}\n${failed.stdout?.slice(-2000) ?? ''}\n${failed.stderr?.slice(-4000) ?? ''}`,
    );
  }
}

/** Installs into the project; third-party dependencies from the registry or npm's cache, with npm's log of each request. */
export const install = (project: string, specs: string[], env?: NodeJS.ProcessEnv) =>
  npmIn(project, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=http', ...specs], env);

/** Runs an installed command in the project: its exit code and output (never throws on a non-zero exit). */
export async function runBin(
  project: string,
  command: string,
  args: string[],
): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(join(project, 'node_modules/.bin', command), args, { cwd: project });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: `${failed.stdout}${failed.stderr}` };
  }
}

/** The installed `trackspec-mocks` serving `apis` from `portBase` on; resolves with its process and each API's URL once it prints them. */
export async function startInstalledMocks(
  project: string,
  apis: string[],
  portBase: number,
): Promise<{ mocks: ChildProcess; urls: Record<string, string> }> {
  const mocks = spawn(join(project, 'node_modules/.bin/trackspec-mocks'), [...apis, '--port-base', String(portBase)], {
    cwd: project,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const printed = (name: string) => new RegExp(`^ +${name} +http`, 'm').test(output);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URLs within 60 s:\n${output}`)), 60_000);
      mocks.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (apis.every(printed)) {
          clearTimeout(timer);
          resolve();
        }
      });
      mocks.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      mocks.once('exit', (code) => reject(new Error(`trackspec-mocks exited (${code}):\n${output}`)));
    });
  } catch (error) {
    mocks.kill('SIGKILL');
    throw error;
  }
  const urls = Object.fromEntries(
    [...output.matchAll(/^ +(\w+) +(http\S+)$/gm)].map((match) => [match[1]!, match[2]!]),
  );
  return { mocks, urls };
}

/**
 * A client example (`createApiClient`, as the client's README shows it), written into the project and run there with node against a
 * Hellotext mock: what it printed, parsed.
 */
export async function runClientExample(project: string, hellotextUrl: string): Promise<unknown> {
  await writeFile(
    join(project, 'example.mjs'),
    [
      "import { createApiClient } from '@trackspec/client';",
      `const hellotext = createApiClient('hellotext', { baseUrl: '${hellotextUrl}', credentials: { bearerToken: 'ALK_example' }, throwOnError: true });`,
      "const { data } = await hellotext.POST('/v1/attribution/events', { body: { action: 'product.purchased', profile: 'PROFILE_ID' } });",
      'console.log(JSON.stringify(data));',
    ].join('\n'),
  );
  const { stdout } = await execFileAsync(process.execPath, ['example.mjs'], { cwd: project });
  return JSON.parse(stdout);
}
