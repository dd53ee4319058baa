/**
 * Every process the harness starts ends when the process that started it ends, however that one ends: a failed
 * test, an abort, or a SIGKILL of the test runner or of turbo, which no exit handler sees (a red CI run once left
 * six servers listening with parent PID 1 half an hour later). The sign is a pipe: this process holds its write
 * end, the kernel closes it when this process dies, and the reader then sees end-of-file. A Node child reads it
 * through a preload; any other child (PostgreSQL, HAProxy) is watched by a `sh` that reads it. The mocks do the
 * same in packages/mocks/src/prism.ts (a published package, which cannot depend on this one).
 */
import { type ChildProcess, spawn } from 'node:child_process';

/** How long a stopped process gets to exit before SIGKILL. */
const graceSeconds = 10;

const preload = [
  // Worker threads run preloads too (the server's store writer is one): the process's stdin is the main thread's.
  "import { isMainThread } from 'node:worker_threads';",
  // Its own process group when it leads one (spawned `detached`), else itself.
  'const stop = (signal) => { try { process.kill(-process.pid, signal); } catch { process.kill(process.pid, signal); } };',
  'if (isMainThread) {',
  `  process.stdin.on('end', () => { stop('SIGTERM'); setTimeout(() => stop('SIGKILL'), ${graceSeconds * 1000}).unref(); });`,
  // Unref'd: waiting for the end of stdin must not keep a process alive that would otherwise exit.
  '  process.stdin.resume().unref();',
  '}',
].join('\n');

/**
 * Node options that end a Node child (SIGTERM to its process group, SIGKILL after 10 s) when this process ends.
 * Spawn it with `stdin: 'pipe'` and write nothing to it: its end is the sign.
 */
export const exitWithParent: readonly string[] = ['--import', `data:text/javascript,${encodeURIComponent(preload)}`];

/**
 * The watchdog: blocks reading its stdin (no CPU; about 1 MB); at its end, sends the signal ($2) to the target
 * ($1: a pid, or -pgid for a process group), and SIGKILL if the target is still there after the grace period.
 * Terminal and group signals are ignored, so a Ctrl-C cannot end it before the target.
 */
const watchdog = `
trap '' HUP INT TERM
while read -r _; do :; done
kill -s "$2" -- "$1" 2>/dev/null || exit 0
tenths=0
while kill -s 0 -- "$1" 2>/dev/null; do
  if [ "$tenths" -ge ${graceSeconds * 10} ]; then kill -s KILL -- "$1"; exit 0; fi
  tenths=$((tenths + 1))
  sleep 0.1
done`;

export interface TetherOptions {
  /** What stops it at once (PostgreSQL: SIGQUIT, an immediate shutdown; HAProxy: SIGTERM). */
  signal: NodeJS.Signals;
  /** Signal its whole process group (a child spawned `detached`, which leads its own). */
  group?: boolean;
}

/**
 * Ends `child`, which cannot take a preload, when this process ends: a watchdog `sh` in its own process group
 * (so a signal to ours cannot end it first) holds a pipe from this process. Once `child` has exited, the watchdog
 * is dismissed with SIGKILL, so it never signals a pid the system has since given to another process.
 */
export function tetherToParent(child: ChildProcess, { signal, group = false }: TetherOptions): void {
  if (child.pid === undefined) return; // it did not start: its 'error' event says why
  const target = group ? `-${child.pid}` : String(child.pid);
  const guard = spawn('/bin/sh', ['-c', watchdog, 'exit-with-parent', target, signal.replace(/^SIG/, '')], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  guard.unref();
  child.once('exit', () => guard.kill('SIGKILL'));
}
