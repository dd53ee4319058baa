// No orphans: a process a test starts ends with the process that started it, however that one ends. SIGKILL is
// the hard case (no exit handler runs; it is what a CI runner or a killed turbo leaves): the harness's servers,
// PostgreSQL clusters, HAProxy and Chromium must then stop listening and running on their own, within seconds.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freeLoopbackPort } from '@trackspec/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { descendantsOf, leftovers, type ProcessEntry, stillRunning } from './process-tree.js';

let started: ProcessEntry[] = [];
afterEach(() => {
  // A failed run must not leave its own orphans for the next test (or the next engineer) to trip over.
  for (const entry of started.filter(stillRunning)) process.kill(entry.pid, 'SIGKILL');
  started = [];
});

/** Runs a TypeScript script the way the harness's users do; resolves with it once `ready` matches its stdout. */
async function startScript(script: string, args: string[], ready: RegExp): Promise<[ChildProcess, RegExpExecArray]> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], {
    env: { ...process.env, LOG_LEVEL: 'warn', TRACKSPEC_DATABASE: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL'); // what it started ends with it
      reject(new Error(`${script} was not ready within 90 s:\n${output}`));
    }, 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = ready.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}):\n${output}`)));
  });
  return [child, match];
}

/** Proof that there is something to leave behind: each kind of process runs, each port listens. */
async function expectRunning(kinds: string[], ports: number[]): Promise<void> {
  for (const kind of kinds)
    expect(
      started.some(({ command }) => command.includes(kind)),
      kind,
    ).toBe(true);
  expect(await leftovers([], ports)).toHaveLength(ports.length);
}

/** SIGKILLs `child`, then waits until nothing it started runs and none of `ports` listens. */
async function killAndExpectNothingLeft(child: ChildProcess, ports: number[]): Promise<void> {
  child.kill('SIGKILL');
  await once(child, 'exit');
  await expect.poll(() => leftovers(started, ports), { timeout: 30_000, interval: 250 }).toEqual([]);
}

describe('no orphans', () => {
  it('a test process killed outright leaves no server, PostgreSQL cluster or Chromium behind', async () => {
    const [runner, match] = await startScript('./fixtures/test-runner.ts', [], /^(\{.*\})$/m);
    const { ports } = JSON.parse(match[1]!) as { ports: number[] };
    started = descendantsOf(runner.pid!);
    await expectRunning(['dist/main.js', 'postgres -D', 'chromium'], ports);

    await killAndExpectNothingLeft(runner, ports);
  }, 150_000);

  it('start:replicas killed outright leaves no HAProxy, replica or cluster behind', async () => {
    const port = await freeLoopbackPort();
    const [script, match] = await startScript(
      '../../harness/src/start-replicas.ts',
      ['--replicas', '2', '--port', String(port)],
      /database +postgres:\/\/\S+:(\d+)\/[\s\S]*Admin API bearer token/,
    );
    const replicaPorts = [...match[0].matchAll(/replica\d+ +http:\/\/127\.0\.0\.1:(\d+)/g)].map((found) =>
      Number(found[1]),
    );
    const ports = [port, Number(match[1]), ...replicaPorts];
    expect(replicaPorts).toHaveLength(2);
    started = descendantsOf(script.pid!);
    await expectRunning(['dist/main.js', 'postgres -D', 'haproxy'], ports);

    await killAndExpectNothingLeft(script, ports);
  }, 150_000);
});
