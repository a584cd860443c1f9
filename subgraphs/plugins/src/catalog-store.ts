/** The plugin catalog in Cassandra (keyspace jtm_catalog by default). */
import type { Client } from 'cassandra-driver';
import { types } from 'cassandra-driver';

export const CATALOG_TABLES = [
  `CREATE TABLE IF NOT EXISTS {ks}.plugins (
     id uuid PRIMARY KEY,
     name text,
     description text,
     price_minor bigint,
     currency text,
     for_sale boolean,
     updated_at timestamp
   )`,
];

export interface CatalogPlugin {
  id: string;
  name: string;
  description: string;
  priceMinor: bigint;
  currency: string;
  forSale: boolean;
}

function fromRow(row: types.Row): CatalogPlugin {
  return {
    id: String(row.id),
    name: row.name,
    description: row.description ?? '',
    priceMinor: BigInt((row.price_minor as types.Long).toString()),
    currency: row.currency,
    forSale: row.for_sale === true,
  };
}

export class CatalogStore {
  constructor(private readonly client: Client, private readonly keyspace: string) {}

  async list(): Promise<CatalogPlugin[]> {
    const rows: CatalogPlugin[] = [];
    // The catalog is small (tens to a few thousand rows); page through it anyway.
    let pageState: string | undefined;
    do {
      const page = await this.client.execute(`SELECT * FROM ${this.keyspace}.plugins`, [], { prepare: true, fetchSize: 500, pageState });
      for (const row of page.rows) rows.push(fromRow(row));
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return rows.sort((a, b) => a.name.localeCompare(b.name));
  }

  async byIds(ids: string[]): Promise<Map<string, CatalogPlugin>> {
    const found = new Map<string, CatalogPlugin>();
    if (ids.length === 0) return found;
    const result = await this.client.execute(
      `SELECT * FROM ${this.keyspace}.plugins WHERE id IN ?`,
      [ids.map((id) => types.Uuid.fromString(id))],
      { prepare: true },
    );
    for (const row of result.rows) found.set(String(row.id), fromRow(row));
    return found;
  }

  async upsert(plugin: CatalogPlugin): Promise<void> {
    await this.client.execute(
      `INSERT INTO ${this.keyspace}.plugins (id, name, description, price_minor, currency, for_sale, updated_at) VALUES (?, ?, ?, ?, ?, ?, toTimestamp(now()))`,
      [types.Uuid.fromString(plugin.id), plugin.name, plugin.description, types.Long.fromString(plugin.priceMinor.toString()), plugin.currency, plugin.forSale],
      { prepare: true },
    );
  }
}
