// The PostgreSQL store against a real throw-away cluster: the shared EventStore cases
// (event-store-cases.ts), and what only this store has: several replicas on one database,
// worker-id leases, migrations, dedupe-key partitions, and the database going away.
import { eventStoreCases } from './event-store-cases.js';
import { openStore, queryValue, usePostgres } from './postgres-helpers.js';

usePostgres();

eventStoreCases({
  open: () => openStore(),
  rowCount: async () => Number(await queryValue<string>('SELECT count(*) FROM events')),
  messageCount: async (messageId) =>
    Number(await queryValue<string>('SELECT count(*) FROM events WHERE message_id = $1', [messageId])),
});
