// The admin spec's example request reads event `1`. A SQLite server has it once the suite has stored
// anything (its ids count from 1); a PostgreSQL server's ids are snowflakes, so the event the example
// names is stored up front, as the fixture it is.
import type { PostgresCluster } from '@trackspec/harness';

export async function seedExampleEvent(cluster: PostgresCluster): Promise<void> {
  await cluster.psql(`INSERT INTO events (id, api, source, type, event_name, received_at, payload)
                      VALUES (1, 'hellotext', 'demo-hellotext', 'track', 'example', now(), '{"action":"example"}')`);
}
