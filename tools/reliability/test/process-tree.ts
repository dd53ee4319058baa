/**
 * What a process left behind, read from /proc and probed over TCP: its descendants (identified by pid and start
 * time, so a recycled pid is not mistaken for one of them) and the loopback ports its processes listened on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot: with the pid, names one process for good. */
  start: string;
  command: string;
}

/** One /proc/<pid>/stat, or undefined for a process that is gone or a zombie (gone but not yet reaped). */
function readEntry(pid: number): ProcessEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split after its last `)`.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  let command = '';
  try {
    command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    // gone since
  }
  return { pid, ppid: Number(fields[1]), start: fields[19]!, command };
}

/** Every live process below `root` (children, their children, …; not `root` itself). */
export function descendantsOf(root: number): ProcessEntry[] {
  const entries = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => readEntry(Number(name)) ?? []);
  const found: ProcessEntry[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const entry of entries)
      if (parents.has(entry.ppid) && !parents.has(entry.pid)) {
        parents.add(entry.pid);
        found.push(entry);
        grew = true;
      }
  }
  return found;
}

/** Whether that very process (same pid, same start) still runs. */
export function stillRunning(entry: ProcessEntry): boolean {
  return readEntry(entry.pid)?.start === entry.start;
}

/**
 * Whether something accepts TCP connections on a loopback port. A bare connect, not an HTTP request:
 * a request would make an orphaned server log, and its write to a dead stdout end it.
 */
export function acceptsTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** What still runs of `processes` and still listens of `ports`, as readable lines (empty: nothing left). */
export async function leftovers(processes: ProcessEntry[], ports: number[]): Promise<string[]> {
  const running = processes.filter(stillRunning).map(({ pid, command }) => `pid ${pid} runs: ${command}`);
  const listening = (await Promise.all(ports.map(async (port) => ((await acceptsTcp(port)) ? [port] : [])))).flat();
  return [...running, ...listening.map((port) => `port ${port} still accepts connections`)];
}
