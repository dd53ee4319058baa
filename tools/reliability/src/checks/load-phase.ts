/**
 * When to strike during a load phase. A fixed wall-clock window is not "under load" on a busy
 * machine: a freshly started server can take longer than the whole window to answer its first
 * request, and a kill then proves nothing (and the check sees no acknowledged event at all).
 * So the fault waits for the load to be under way — a first acknowledgement — and only then
 * for a random part of the window, as before.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadPhaseOptions {
  /** The window after the first acknowledgement; the fault lands at a random point of its second half. */
  loadMs: number;
  /** How many acknowledgements mean the load is under way. */
  atLeast?: number;
  /** How long to wait for them before giving up (the caller's check then reports it). */
  withinMs?: number;
}

/**
 * Resolves once `acknowledged()` has reached `atLeast` and a random `loadMs / 2 … loadMs` has
 * passed since; `false` when the acknowledgements never came within `withinMs`.
 */
export async function untilUnderLoad(
  acknowledged: () => number,
  { loadMs, atLeast = 1, withinMs = 60_000 }: LoadPhaseOptions,
): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (acknowledged() < atLeast) {
    if (Date.now() > deadline) return false;
    await sleep(10);
  }
  await sleep(loadMs / 2 + Math.random() * (loadMs / 2));
  return true;
}
