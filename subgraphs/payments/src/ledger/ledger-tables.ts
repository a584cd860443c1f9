/**
 * The payments ledger in Cassandra. Entries are immutable; their status is the newest row of
 * payment_events (append-only history). idempotency_keys binds a client's key to one entry and
 * the hash of the request, with a lightweight transaction so concurrent retries agree.
 * pending_entries is an index of unsettled entries for the reconciler, bucketed by day.
 */
export const LEDGER_TABLES = [
  `CREATE TABLE IF NOT EXISTS {ks}.payment_entries (
     client_id text,
     entry_id timeuuid,
     idempotency_key text,
     request_hash text,
     amount_minor bigint,
     currency text,
     plugin_ids list<uuid>,
     stripe_idempotency_key text,
     created_at timestamp,
     PRIMARY KEY ((client_id), entry_id)
   ) WITH CLUSTERING ORDER BY (entry_id DESC)`,
  `CREATE TABLE IF NOT EXISTS {ks}.payment_events (
     entry_id timeuuid,
     event_id timeuuid,
     status text,
     stripe_intent_id text,
     stripe_status text,
     reason text,
     PRIMARY KEY ((entry_id), event_id)
   ) WITH CLUSTERING ORDER BY (event_id DESC)`,
  `CREATE TABLE IF NOT EXISTS {ks}.idempotency_keys (
     client_id text,
     idempotency_key text,
     entry_id timeuuid,
     request_hash text,
     created_at timestamp,
     PRIMARY KEY ((client_id, idempotency_key))
   )`,
  `CREATE TABLE IF NOT EXISTS {ks}.pending_entries (
     day int,
     entry_id timeuuid,
     client_id text,
     PRIMARY KEY ((day), entry_id)
   )`,
];
