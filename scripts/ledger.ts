/** Prints a client's ledger entries and their event history. Usage: npm run ledger -- 'auth0|...' */
import { Client } from 'cassandra-driver';

async function main() {
  const clientId = process.argv[2];
  if (!clientId) throw new Error("usage: npm run ledger -- '<client id>'");
  const keyspace = process.env.CASSANDRA_KEYSPACE ?? 'jtm_payments';
  const client = new Client({ contactPoints: (process.env.CASSANDRA_CONTACT_POINTS ?? '127.0.0.1:9042').split(','), localDataCenter: process.env.CASSANDRA_LOCAL_DC ?? 'datacenter1' });
  try {
    const entries = await client.execute(`SELECT * FROM ${keyspace}.payment_entries WHERE client_id = ? LIMIT 20`, [clientId], { prepare: true });
    for (const e of entries.rows) {
      console.log(`${e.created_at.toISOString()} entry ${e.entry_id} ${e.amount_minor} ${e.currency} minor units, plugins ${e.plugin_ids.join(',')}, key ${e.idempotency_key ?? '(server)'}`);
      const events = await client.execute(`SELECT * FROM ${keyspace}.payment_events WHERE entry_id = ?`, [e.entry_id], { prepare: true });
      for (const ev of [...events.rows].reverse()) console.log(`    ${ev.event_id.getDate().toISOString()} ${ev.status} ${ev.stripe_intent_id ?? ''} ${ev.stripe_status ?? ''} ${ev.reason ?? ''}`);
    }
    if (entries.rows.length === 0) console.log(`no ledger entries for ${clientId}`);
  } finally {
    await client.shutdown();
  }
}
main().catch((err) => { console.error(err instanceof Error ? err.message : err); process.exit(1); });
