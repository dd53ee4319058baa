import { describe, expect, it } from 'vitest';
import { untilUnderLoad } from '../src/checks/load-phase.js';

describe('when a fault strikes during a load phase', () => {
  it('waits for the first acknowledgements, then for the second half of the window', async () => {
    let acknowledged = 0;
    const started = Date.now();
    const slowStart = setTimeout(() => (acknowledged = 2), 400);
    const underLoad = await untilUnderLoad(() => acknowledged, { loadMs: 200, atLeast: 2 });
    clearTimeout(slowStart);
    expect(underLoad).toBe(true);
    // Never before the acknowledgements plus half the window (less the timers' millisecond rounding).
    expect(Date.now() - started).toBeGreaterThanOrEqual(400 + 100 - 5);
  });

  it('gives up, saying so, when nothing is acknowledged in time', async () => {
    expect(await untilUnderLoad(() => 0, { loadMs: 200, withinMs: 300 })).toBe(false);
  });
});
