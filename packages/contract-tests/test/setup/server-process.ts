/**
 * The real ingest server as operators run it (`src/main.ts` in its own process, demo config with
 * a fresh database and a free port), and the credentials its config gives each API's schemes.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { apis, loadBundled } from '@trackspec/specs';
import { parse } from 'yaml';
import type { Target } from '../../src/target.js';

interface SourceConfig {
  api: string;
  keys?: string[];
  secret?: string;
}

const serverDir = dirname(createRequire(import.meta.url).resolve('@trackspec/server/package.json'));

export interface ServerProcess {
  origin: string;
  urls: Record<string, string>;
  credentials: Target['credentials'];
  stop(): Promise<void>;
}

export async function startServerProcess(): Promise<ServerProcess> {
  const work = await mkdtemp(join(tmpdir(), 'trackspec-contract-server-'));
  const config = parse(await readFile(join(serverDir, 'demo.config.yaml'), 'utf8')) as { adminToken: string; sources: SourceConfig[] };
  const configFile = join(work, 'config.json');
  await writeFile(configFile, JSON.stringify({ ...config, port: 0, database: join(work, 'events.sqlite') }));

  const child = spawn(process.execPath, ['--import', 'tsx', join(serverDir, 'src/main.ts'), '--config', configFile], {
    cwd: serverDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The server did not start within 60 s:\n${output}`)), 60_000);
    const check = () => {
      const match = /trackspec server on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on('data', check);
    void exited.then(() => reject(new Error(`The server exited:\n${output}`)));
  });

  const credentials: Target['credentials'] = {};
  for (const { name } of apis) {
    const source = config.sources.find((candidate) => candidate.api === name);
    const key = name === 'admin' ? config.adminToken : (source?.keys?.[0] ?? '');
    const schemes = (loadBundled(name).components?.securitySchemes ?? {}) as Record<string, { type: string; scheme?: string }>;
    credentials[name] = {
      writeKey: key,
      apiKey: key,
      token: key,
      secret: source?.secret ?? '',
      ...Object.fromEntries(Object.entries(schemes).map(([scheme, definition]) => [scheme, definition.type === 'http' && definition.scheme === 'basic' ? `${key}:` : key])),
    };
  }
  return {
    origin,
    urls: Object.fromEntries(apis.map(({ name }) => [name, `${origin}/${name}`])),
    credentials,
    async stop() {
      if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
      await exited;
      await rm(work, { recursive: true, force: true });
    },
  };
}
