/**
 * CPU time used by a process and its descendants, from /proc (Linux). On a shared 2-core machine
 * the server's CPU per stored event is steadier than req/s, which moves with whatever else runs.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

interface ProcStat {
  pid: number;
  parent: number;
  cpuTicks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): ppid is field 4, utime 14, stime 15, and the reaped children's
    // cutime 16, cstime 17 (so short-lived children, such as PostgreSQL backends, still count).
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number) as [number, number, number, number];
    return { pid, parent: Number(fields[1]), cpuTicks: utime + stime + cutime + cstime };
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/** CPU milliseconds (user + system) used so far by `rootPid` and every live descendant. */
export function processTreeCpuMs(rootPid: number): number {
  const stats = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.parent, [...(children.get(stat.parent) ?? []), stat]);
  let ticks = 0;
  const pending = stats.filter((stat) => stat.pid === rootPid);
  while (pending.length) {
    const stat = pending.pop()!;
    ticks += stat.cpuTicks;
    pending.push(...(children.get(stat.pid) ?? []));
  }
  return (ticks * 1000) / ticksPerSecond;
}
