import { startServerProcess } from '@trackspec/harness';
import type { Summary } from './summary.js';

/** Every stored event, read back through the admin API as an operator would. */
export async function readAllEvents(
  origin: string,
  adminToken: string,
  query = '',
): Promise<Array<{ source: string; messageId: string | null }>> {
  const events: Array<{ source: string; messageId: string | null }> = [];
  let cursor: string | null = null;
  do {
    const url = `${origin}/admin/events?limit=1000${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } });
    if (!response.ok) throw new Error(`admin API answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { events: typeof events; nextCursor: string | null };
    events.push(...page.events);
    cursor = page.nextCursor;
  } while (cursor);
  return events;
}

/** Acknowledged ids missing from the store, and ids stored more than once (per source). */
export function compare(
  acknowledged: Iterable<string>,
  stored: Array<{ source: string; messageId: string | null }>,
): { lost: string[]; duplicated: string[] } {
  const counts = new Map<string, number>();
  for (const event of stored)
    if (event.messageId)
      counts.set(`${event.source} ${event.messageId}`, (counts.get(`${event.source} ${event.messageId}`) ?? 0) + 1);
  const storedIds = new Set(stored.map((event) => event.messageId));
  return {
    lost: [...acknowledged].filter((id) => !storedIds.has(id)),
    duplicated: [...counts.entries()].filter(([, times]) => times > 1).map(([key]) => key),
  };
}

/**
 * Restarts a server on `database`, reads the m1das events back, and records in the summary how
 * many acknowledged ids are missing (lost) and how many were stored twice.
 */
export async function checkStoredAfterRestart(
  database: string,
  acknowledged: Set<string>,
  summary: Summary,
): Promise<void> {
  const server = await startServerProcess({ database, env: { LOG_LEVEL: 'error' } });
  const stored = await readAllEvents(server.origin, server.adminToken, 'api=m1das');
  await server.stop();
  const { lost, duplicated } = compare(acknowledged, stored);
  summary.lost = lost.length;
  summary.duplicated = duplicated.length;
  summary.notes.push(`${acknowledged.size} distinct events acknowledged, ${stored.length} stored`);
  if (lost.length) summary.notes.push(`lost e.g. ${lost.slice(0, 3).join(', ')}`);
}
