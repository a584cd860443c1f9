/** Reads and appends ledger facts. Every write here happens before or after Stripe, never instead of it. */
import { types, type Client } from 'cassandra-driver';

export type EntryStatus = 'PENDING' | 'CREATED' | 'FAILED';

export interface NewEntry {
  clientId: string;
  entryId: string;
  idempotencyKey: string | null;
  requestHash: string;
  amountMinor: bigint;
  currency: string;
  pluginIds: string[];
  stripeIdempotencyKey: string;
}

export interface LedgerEntry extends NewEntry {
  createdAt: Date;
  status: EntryStatus;
  stripeIntentId: string | null;
  stripeStatus: string | null;
  reason: string | null;
}

export interface Outcome {
  status: Exclude<EntryStatus, 'PENDING'>;
  stripeIntentId?: string;
  stripeStatus?: string;
  reason?: string;
}

export type KeyClaim = { claimed: true } | { claimed: false; entryId: string; requestHash: string };

/** When a time-based entry id was made (its creation time). */
export function dateOfTimeuuid(id: string): Date {
  return types.TimeUuid.fromString(id).getDate();
}

/**
 * A new entry id: a timeuuid, so ids sort by creation time and two requests in the same
 * millisecond still differ (100 ns ticks, random node and clock sequence per id).
 */
export function newEntryId(): string {
  return types.TimeUuid.now().toString();
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => Math.floor(ms / DAY_MS);

export class Ledger {
  private readonly ks: string;
  constructor(private readonly client: Client, keyspace: string) {
    this.ks = keyspace;
  }

  newEntryId(): string {
    return newEntryId();
  }

  /** Binds (client, key) to an entry unless already bound; tells which entry holds it otherwise. */
  async claimKey(clientId: string, key: string, entryId: string, requestHash: string): Promise<KeyClaim> {
    const result = await this.client.execute(
      `INSERT INTO ${this.ks}.idempotency_keys (client_id, idempotency_key, entry_id, request_hash, created_at) VALUES (?, ?, ?, ?, ?) IF NOT EXISTS`,
      [clientId, key, types.TimeUuid.fromString(entryId), requestHash, new Date()],
      { prepare: true, serialConsistency: types.consistencies.localSerial },
    );
    const row = result.first();
    if (row.get('[applied]')) return { claimed: true };
    return { claimed: false, entryId: String(row.entry_id), requestHash: row.request_hash };
  }

  /** The entry and its PENDING event, atomically (logged batch), before any call to Stripe. */
  async recordEntry(entry: NewEntry): Promise<void> {
    const entryId = types.TimeUuid.fromString(entry.entryId);
    const createdAt = entryId.getDate();
    await this.client.batch(
      [
        {
          query: `INSERT INTO ${this.ks}.payment_entries (client_id, entry_id, idempotency_key, request_hash, amount_minor, currency, plugin_ids, stripe_idempotency_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          params: [entry.clientId, entryId, entry.idempotencyKey, entry.requestHash, types.Long.fromString(entry.amountMinor.toString()), entry.currency, entry.pluginIds.map((id) => types.Uuid.fromString(id)), entry.stripeIdempotencyKey, createdAt],
        },
        {
          query: `INSERT INTO ${this.ks}.payment_events (entry_id, event_id, status) VALUES (?, ?, 'PENDING')`,
          params: [entryId, types.TimeUuid.now()],
        },
        {
          query: `INSERT INTO ${this.ks}.pending_entries (day, entry_id, client_id) VALUES (?, ?, ?)`,
          params: [dayOf(createdAt.getTime()), entryId, entry.clientId],
        },
      ],
      { prepare: true, logged: true },
    );
  }

  /** Appends the outcome (never overwrites history) and takes the entry off the pending index. */
  async recordOutcome(entry: Pick<LedgerEntry, 'entryId' | 'createdAt'>, outcome: Outcome): Promise<void> {
    const entryId = types.TimeUuid.fromString(entry.entryId);
    await this.client.batch(
      [
        {
          query: `INSERT INTO ${this.ks}.payment_events (entry_id, event_id, status, stripe_intent_id, stripe_status, reason) VALUES (?, ?, ?, ?, ?, ?)`,
          params: [entryId, types.TimeUuid.now(), outcome.status, outcome.stripeIntentId ?? null, outcome.stripeStatus ?? null, outcome.reason ?? null],
        },
        {
          query: `DELETE FROM ${this.ks}.pending_entries WHERE day = ? AND entry_id = ?`,
          params: [dayOf(entry.createdAt.getTime()), entryId],
        },
      ],
      { prepare: true, logged: true },
    );
  }

  /** Takes a settled entry off the pending index (nothing else changes). */
  async dropPending(entry: Pick<LedgerEntry, 'entryId' | 'createdAt'>): Promise<void> {
    await this.client.execute(`DELETE FROM ${this.ks}.pending_entries WHERE day = ? AND entry_id = ?`, [dayOf(entry.createdAt.getTime()), types.TimeUuid.fromString(entry.entryId)], { prepare: true });
  }

  async getEntry(clientId: string, entryId: string): Promise<LedgerEntry | null> {
    const id = types.TimeUuid.fromString(entryId);
    const [entryResult, eventResult] = await Promise.all([
      this.client.execute(`SELECT * FROM ${this.ks}.payment_entries WHERE client_id = ? AND entry_id = ?`, [clientId, id], { prepare: true }),
      this.client.execute(`SELECT * FROM ${this.ks}.payment_events WHERE entry_id = ? LIMIT 1`, [id], { prepare: true }),
    ]);
    const row = entryResult.first();
    return row ? toLedgerEntry(row, eventResult.first()) : null;
  }

  /** The client's newest entries (newest first), each with its current status. */
  async listEntries(clientId: string, limit: number): Promise<LedgerEntry[]> {
    const entries = await this.client.execute(`SELECT * FROM ${this.ks}.payment_entries WHERE client_id = ? LIMIT ?`, [clientId, limit], { prepare: true });
    if (entries.rowLength === 0) return [];
    // One query for every entry's newest event: IN over the partition key, one row per partition.
    const events = await this.client.execute(
      `SELECT * FROM ${this.ks}.payment_events WHERE entry_id IN ? PER PARTITION LIMIT 1`,
      [entries.rows.map((r) => r.entry_id)],
      { prepare: true },
    );
    const newest = new Map(events.rows.map((e) => [String(e.entry_id), e]));
    return entries.rows.map((row) => toLedgerEntry(row, newest.get(String(row.entry_id))));
  }

  /** Entries still pending that were created before `olderThan`, looking back `lookbackDays` from `now`. */
  async listPending(olderThan: Date, lookbackDays: number, now = new Date()): Promise<Array<{ clientId: string; entryId: string }>> {
    const today = dayOf(now.getTime());
    const found: Array<{ clientId: string; entryId: string }> = [];
    for (let day = today - lookbackDays; day <= today; day++) {
      const result = await this.client.execute(
        `SELECT entry_id, client_id FROM ${this.ks}.pending_entries WHERE day = ? AND entry_id < maxTimeuuid(?)`,
        [day, olderThan],
        { prepare: true },
      );
      for (const row of result.rows) found.push({ clientId: row.client_id, entryId: String(row.entry_id) });
    }
    return found;
  }

  /**
   * Pending entries in day buckets before the lookback window, which listPending never sees:
   * they must be reported, not left pending in silence. The index only holds unsettled
   * entries, so scanning its partition keys stays cheap.
   */
  async pendingBeyondLookback(lookbackDays: number, now = new Date()): Promise<{ count: number; oldest: Date | null }> {
    const firstDay = dayOf(now.getTime()) - lookbackDays;
    const days = await this.client.execute(`SELECT DISTINCT day FROM ${this.ks}.pending_entries`, [], { prepare: true });
    let count = 0;
    let oldest: number | null = null;
    for (const { day } of days.rows as unknown as Array<{ day: number }>) {
      if (day >= firstDay) continue;
      const rows = await this.client.execute(`SELECT entry_id FROM ${this.ks}.pending_entries WHERE day = ?`, [day], { prepare: true });
      count += rows.rowLength;
      if (rows.rowLength && (oldest === null || day < oldest)) oldest = day;
    }
    return { count, oldest: oldest === null ? null : new Date(oldest * DAY_MS) };
  }
}

function toLedgerEntry(row: types.Row, event: types.Row | undefined | null): LedgerEntry {
  return {
    clientId: row.client_id,
    entryId: String(row.entry_id),
    idempotencyKey: row.idempotency_key ?? null,
    requestHash: row.request_hash,
    amountMinor: BigInt(row.amount_minor.toString()),
    currency: row.currency,
    pluginIds: (row.plugin_ids ?? []).map(String),
    stripeIdempotencyKey: row.stripe_idempotency_key,
    createdAt: row.created_at,
    status: (event?.status ?? 'PENDING') as EntryStatus,
    stripeIntentId: event?.stripe_intent_id ?? null,
    stripeStatus: event?.stripe_status ?? null,
    reason: event?.reason ?? null,
  };
}
