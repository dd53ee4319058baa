// `trackspec-contract` as a user runs it: its own process (through tsx, from src), its exit code and output.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';

const cli = new URL('../../src/cli.ts', import.meta.url).pathname;
const tsx = createRequire(import.meta.url).resolve('tsx');

export function runCli(args: string[], cwd?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', tsx, cli, ...args], { cwd }, (error, stdout, stderr) => {
      const code = error ? Number((error as { code?: number }).code ?? 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export const fixture = (name: string) => new URL(`../fixtures/pacts/${name}`, import.meta.url).pathname;
