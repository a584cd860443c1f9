/** Loads the catalog data file into Cassandra (idempotent upserts). Usage: node seed.js [file] */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCassandraClient, migrate } from '../../../common/cassandra';
import { currencyRule, decimalTextToMinor } from '../../../common/money';
import { UUID_PATTERN } from '../../../common/scalars';
import { loadOrExit } from '../../../common/env';
import { projectRoot } from '../../../common/paths';
import { CATALOG_TABLES, CatalogStore, type CatalogPlugin } from './catalog-store';
import { loadConfig } from './config';

interface SeedEntry { id: string; name: string; description?: string; price: string; currency: string; forSale: boolean }

export function parseCatalogFile(path: string): CatalogPlugin[] {
  const entries = JSON.parse(readFileSync(path, 'utf8')) as SeedEntry[];
  return entries.map((e) => {
    if (!UUID_PATTERN.test(e.id)) throw new Error(`${path}: bad id ${e.id}`);
    const rule = currencyRule(e.currency);
    return {
      id: e.id.toLowerCase(),
      name: e.name,
      description: e.description ?? '',
      priceMinor: decimalTextToMinor(e.price, rule, `price of ${e.name}`),
      currency: rule.code,
      forSale: e.forSale,
    };
  });
}

async function main() {
  const config = loadOrExit(() => loadConfig());
  const file = process.argv[2] ?? join(projectRoot(), 'subgraphs', 'plugins', 'seed', 'catalog.json');
  const plugins = parseCatalogFile(file);
  const client = createCassandraClient(config.cassandra);
  try {
    await migrate(client, config.cassandra, CATALOG_TABLES);
    const store = new CatalogStore(client, config.cassandra.keyspace);
    for (const p of plugins) await store.upsert(p);
    console.log(`seeded ${plugins.length} plugins into ${config.cassandra.keyspace}.plugins`);
  } finally {
    await client.shutdown();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(`seed failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
