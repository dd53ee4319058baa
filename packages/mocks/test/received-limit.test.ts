// The bound on what a mock remembers: 10,000 entries unless told otherwise, and `--received-limit` on the
// real CLI process (validated before any Prism starts).
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { clearReceived, defaultReceivedLimit, receivedList } from '../src/index.js';
import { freePort } from '../src/ports.js';
import { ReceivedLog } from '../src/received-log.js';
import { spawnCli } from './spawn-cli.js';

const entry = (path: string) => ({
  receivedAt: new Date().toISOString(),
  method: 'GET',
  path,
  query: {},
  headers: {},
  body: null,
  operationId: null,
  verdict: 'valid' as const,
  status: 404,
});

describe('the bound', () => {
  it('is 10,000 entries: a log given no limit keeps the newest 10,000 and counts the rest', () => {
    expect(defaultReceivedLimit).toBe(10_000);
    const log = new ReceivedLog();
    for (let i = 1; i <= 10_002; i++) log.add(entry(`/nowhere/${i}`));
    const { entries, dropped } = log.list();
    expect(entries).toHaveLength(10_000);
    expect(dropped).toBe(2);
    expect(entries[0]?.path).toBe('/nowhere/3');
    expect(entries.at(-1)?.path).toBe('/nowhere/10002');
  });

  it('can be 0: nothing is kept, every request is counted as dropped', () => {
    const log = new ReceivedLog(0);
    for (let i = 1; i <= 3; i++) log.add(entry(`/nowhere/${i}`));
    expect(log.list()).toEqual({ entries: [], dropped: 3 });
  });

  it('is what --help states', async () => {
    const { output, code } = await runToEnd(['--help']);
    expect(code).toBe(0);
    expect(output).toMatch(/--received-limit <n> +how many received requests each mock keeps/);
    expect(output).toContain(`(default ${defaultReceivedLimit}; 0 keeps none`);
  });
});

/**
 * The CLI run until it exits on its own (help, bad arguments): its exit code and all it printed. One that
 * starts its mocks instead is stopped after a while, so the test fails on its exit code, not on a hang.
 */
async function runToEnd(args: string[]): Promise<{ code: number | null; output: string }> {
  const cli = spawnCli(args, { stderr: 'pipe' });
  let output = '';
  cli.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  cli.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const stopper = setTimeout(() => cli.kill('SIGTERM'), 20_000);
  const [code] = await once(cli, 'exit').finally(() => clearTimeout(stopper));
  return { code, output };
}

describe('trackspec-mocks --received-limit', () => {
  it('keeps only the newest <n> requests in each mock it starts', async () => {
    const cli = spawnCli(['hellotext', '--received-limit', '3', '--port-base', String(await freePort('127.0.0.1'))]);
    let printed = '';
    cli.stdout.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    try {
      await expect.poll(() => /http:\/\/\S+/.exec(printed)?.[0], { timeout: 60_000, interval: 200 }).toBeDefined();
      const url = /http:\/\/\S+/.exec(printed)![0];
      for (let i = 0; i < 5; i++) await (await fetch(`${url}/nowhere/${i}`)).arrayBuffer();
      const list = await receivedList(url);
      expect(list.entries.map((received) => received.path)).toEqual(['/nowhere/2', '/nowhere/3', '/nowhere/4']);
      expect(list.dropped).toBe(2);
      await clearReceived(url);
    } finally {
      cli.kill('SIGTERM');
      const [code] = await once(cli, 'exit');
      expect(code).toBe(0);
    }
  });

  it.each([['-1'], ['1.5'], ['1e3'], ['ten'], ['']])('refuses %j before starting any mock, exit 2', async (value) => {
    const { code, output } = await runToEnd(['hellotext', `--received-limit=${value}`]);
    expect(code).toBe(2);
    expect(output).toContain(
      `trackspec-mocks: --received-limit must be a non-negative integer (requests each mock keeps), got "${value}"`,
    );
    expect(output).toContain('usage: trackspec-mocks');
    expect(output).not.toContain('Prism mocks');
  });
});
