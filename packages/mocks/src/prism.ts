import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const prismBin = createRequire(import.meta.url).resolve('@stoplight/prism-cli/dist/index.js');

/**
 * Preloaded into Prism: its stdin is a pipe from this process, so it ends when this process dies,
 * however it dies (SIGKILL, a CI runner or turbo aborting the task); Prism then ends its own process
 * group (itself, and its `--multiprocess` fork). A detached Prism would otherwise outlive us,
 * holding its port. (The test harness does the same for every process it starts, in
 * tools/harness/src/exit-with-parent.ts; this published package cannot depend on it.)
 */
export const exitWithParent = `data:text/javascript,${encodeURIComponent(
  "process.stdin.on('end', () => process.kill(-process.pid, 'SIGTERM')).resume();",
)}`;

export interface PrismProcess {
  child: ChildProcess;
  /** Resolves when the process has exited (it never rejects). */
  exited: Promise<void>;
  /** What Prism printed last (its last 8,000 characters), for error messages. */
  output(): string;
  /** How many characters Prism has printed in all. */
  written(): number;
}

/**
 * Starts Prism on a loopback port, in its own process group: `['mock', document]`, or
 * `['proxy', document, upstream, '--errors']` to validate a real server's traffic.
 */
export function spawnPrism(command: string[], port: number, host: string): PrismProcess {
  const child = spawn(
    process.execPath,
    [
      '--import',
      exitWithParent,
      prismBin,
      ...command,
      '--port',
      String(port),
      '--host',
      host,
      '--verboseLevel',
      'warn',
    ],
    {
      detached: true, // own process group: stopping it reaches every process Prism started
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  let output = '';
  let written = 0;
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    written += text.length;
    output = (output + text).slice(-8_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return { child, exited, output: () => output, written: () => written };
}

/** SIGTERM to the whole process group, SIGKILL if it has not exited after `graceMs`. */
export async function stopPrism(prism: PrismProcess, graceMs = 5_000): Promise<void> {
  const { child } = prism;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
  await prism.exited;
  clearTimeout(timer);
}
