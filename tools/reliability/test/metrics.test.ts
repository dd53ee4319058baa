// The metrics of a real server process (the production build): events sent concurrently (new
// ones, retried duplicates and a rejected request) move the counters by exactly what was sent,
// the store's histograms and gauges are there, and the exposition text is valid (promtool).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type ServerProcess, startServerProcess } from '@trackspec/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const execFileAsync = promisify(execFile);

/** Samples of the text format, by series (`name{labels}`), strictly parsed: a line that is neither fails. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})?) (\S+)$/.exec(
      line,
    );
    if (!match) throw new Error(`not a sample line: ${line}`);
    samples.set(match[1]!, Number(match[2]));
  }
  return samples;
}

/**
 * `promtool check metrics` (Debian's prometheus package): fails on any format error and on any
 * lint problem but one known in prom-client's own process metrics (its `nodejs_active_*_total`
 * gauges). Resolves with why it was skipped when promtool is not installed.
 */
async function promtool(text: string): Promise<string | undefined> {
  const child = execFileAsync('promtool', ['check', 'metrics']);
  child.child.stdin!.end(text);
  try {
    await child;
    return undefined;
  } catch (error) {
    if ((error as { code?: string }).code === 'ENOENT') return 'promtool is not installed';
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    const problems = output
      .split('\n')
      .filter(
        (line) => line && !/^nodejs_active_\w+_total non-counter metrics should not have "_total" suffix$/.test(line),
      );
    if (problems.length) throw new Error(`promtool check metrics failed:\n${output}`);
    return undefined;
  }
}

describe('/metrics', () => {
  let server: ServerProcess;
  let metricsUrl: string;
  beforeAll(async () => {
    server = await startServerProcess({ config: { metrics: { port: 0 } } });
    metricsUrl = server.metricsUrl()!;
  });
  afterAll(() => server?.stop());

  const scrape = async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };
  const track = (messageId: string, headers: Record<string, string> = { 'x-write-key': 'writeKey123' }) =>
    fetch(`${server.urls.m1das}/api/s/track`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ type: 'track', event: 'metrics_test', userId: 'u-1', messageId }),
    });

  it('is served on its own loopback listener, not on the public port', async () => {
    expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(new URL(metricsUrl).port).not.toBe(new URL(server.origin).port);
    expect((await fetch(`${server.origin}/metrics`)).status).toBe(404);
  });

  it('counts requests and events exactly, under concurrent load, in valid exposition text', async () => {
    const before = parseExposition(await scrape());
    const value = (samples: Map<string, number>, series: string) => samples.get(series) ?? 0;
    const unique = 200;
    const retried = 50;
    const run = `${process.pid}-${Date.now()}`;
    const firsts = await Promise.all(Array.from({ length: unique }, (_, index) => track(`${run}-${index}`)));
    expect(firsts.map((response) => response.status)).toEqual(Array(unique).fill(200));
    // Retries of the first 50, once they are stored.
    const retries = await Promise.all(Array.from({ length: retried }, (_, index) => track(`${run}-${index}`)));
    expect(retries.map((response) => response.status)).toEqual(Array(retried).fill(200));
    const rejected = await track(`${run}-rejected`, { 'x-write-key': 'not-a-key' });
    expect(rejected.status).toBe(401);

    const text = await scrape();
    const after = parseExposition(text);
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('trackspec_events_total{api="m1das",outcome="accepted"}')).toBe(unique);
    expect(delta('trackspec_events_total{api="m1das",outcome="deduplicated"}')).toBe(retried);
    expect(delta('trackspec_events_total{api="m1das",outcome="rejected"}')).toBe(1);
    expect(delta('trackspec_http_requests_total{api="m1das",operation="ingestEvent",status="200"}')).toBe(
      unique + retried,
    );
    expect(delta('trackspec_http_requests_total{api="m1das",operation="ingestEvent",status="401"}')).toBe(1);
    expect(delta('trackspec_http_request_duration_seconds_count{api="m1das",operation="ingestEvent"}')).toBe(
      unique + retried + 1,
    );
    // Every event went through a commit; group commit puts several in one when they arrive together.
    const commits = delta('trackspec_store_commit_events_count');
    expect(delta('trackspec_store_commit_events_sum')).toBe(unique + retried);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThanOrEqual(unique + retried);
    expect(delta('trackspec_store_commit_duration_seconds_count')).toBe(commits);
    expect(delta('trackspec_store_commit_duration_seconds_sum')).toBeGreaterThan(0);
    expect(value(after, 'trackspec_dedupe_window_entries')).toBe(unique);
    expect(value(after, 'trackspec_dedupe_window_capacity')).toBe(1_000_000);
    expect(value(after, 'trackspec_store_writer_queue_depth')).toBe(0);
    expect(value(after, 'trackspec_store_writer_restarts_total')).toBe(0);
    expect(value(after, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(value(after, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    const skipped = await promtool(text);
    if (skipped) console.warn(`${skipped}: the exposition text was checked by the strict parser only`);
  });
});
