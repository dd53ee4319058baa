/**
 * A process' memory after a bench: its peak resident set (Linux VmHWM), and for a trackspec server
 * its V8 heaps as its own metrics give them — the request thread's isolate (prom-client's
 * `nodejs_heap_size_*`) and the store's writer thread (`trackspec_store_thread_heap_bytes`,
 * SQLite only), which together with native memory (SQLite, the dedupe window) make up the RSS.
 */
import { readFileSync } from 'node:fs';
import type { ServerProcess } from '@trackspec/harness';

/** Peak resident memory of a process (Linux VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

export interface HeapMb {
  usedMb: number;
  totalMb: number;
}

export interface ServerMemory {
  peakRssMb: number;
  requestThreadHeap: HeapMb;
  /** Absent for a store without a thread of its own (PostgreSQL). */
  storeThreadHeap?: HeapMb;
}

/** The server's peak RSS and its heaps now; the server must run with `metrics` configured. */
export async function serverMemory(server: ServerProcess): Promise<ServerMemory> {
  const url = server.metricsUrl();
  if (!url) throw new Error('the server runs without metrics: start it with config.metrics');
  const text = await (await fetch(url)).text();
  const sample = (pattern: string) => {
    const match = new RegExp(`^${pattern} (\\S+)$`, 'm').exec(text);
    return match ? Math.round(Number(match[1]) / 2 ** 20) : undefined;
  };
  const storeUsed = sample('trackspec_store_thread_heap_bytes\\{kind="used"\\}');
  const storeTotal = sample('trackspec_store_thread_heap_bytes\\{kind="total"\\}');
  return {
    peakRssMb: peakRssMb(server.pid),
    requestThreadHeap: {
      usedMb: sample('nodejs_heap_size_used_bytes') ?? Number.NaN,
      totalMb: sample('nodejs_heap_size_total_bytes') ?? Number.NaN,
    },
    ...(storeUsed !== undefined && storeTotal !== undefined
      ? { storeThreadHeap: { usedMb: storeUsed, totalMb: storeTotal } }
      : {}),
  };
}

/** "peak RSS 212 MB; V8 heap used/total: request thread 31/52 MB, store writer 9/18 MB" */
export function formatServerMemory({ peakRssMb, requestThreadHeap, storeThreadHeap }: ServerMemory): string {
  const heap = ({ usedMb, totalMb }: HeapMb) => `${usedMb}/${totalMb} MB`;
  return `peak RSS ${peakRssMb} MB; V8 heap used/total after the bench: request thread ${heap(requestThreadHeap)}${storeThreadHeap ? `, store writer ${heap(storeThreadHeap)}` : ''}`;
}
