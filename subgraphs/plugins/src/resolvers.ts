import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { UUIDScalar } from '../../../common/scalars';
import { currencyRule, formatMinor } from '../../../common/money';
import type { SubgraphContext } from '../../../common/subgraph-server';
import type { CatalogPlugin, CatalogStore } from './catalog-store';

export interface CatalogContext extends SubgraphContext {
  /** Batches entity lookups of one request into one Cassandra query. */
  loadPlugin(id: string): Promise<CatalogPlugin | null>;
}

export function moneyOf(minor: bigint, currency: string) {
  return { amountMinor: minor.toString(), currency, formatted: formatMinor(minor, currencyRule(currency)) };
}

export function catalogResolvers(store: CatalogStore): GraphQLResolverMap<CatalogContext> {
  return {
    UUID: UUIDScalar,
    Query: {
      plugins: () => store.list(),
      plugin: (_: unknown, args: { id: string }, ctx: CatalogContext) => ctx.loadPlugin(args.id),
    },
    Plugin: {
      __resolveReference: (ref: { id: string }, ctx: CatalogContext) => ctx.loadPlugin(ref.id),
      price: (plugin: CatalogPlugin) => moneyOf(plugin.priceMinor, plugin.currency),
    },
  } as unknown as GraphQLResolverMap<CatalogContext>;
}

/** A per-request loader: every id asked for in the same tick is fetched with one IN query. */
export function pluginLoader(store: CatalogStore): (id: string) => Promise<CatalogPlugin | null> {
  let pending: Map<string, Array<(p: CatalogPlugin | null, e?: unknown) => void>> | null = null;
  return (id: string) =>
    new Promise((resolve, reject) => {
      const key = id.toLowerCase();
      if (!pending) {
        pending = new Map();
        const batch = pending;
        process.nextTick(async () => {
          pending = null;
          try {
            const found = await store.byIds([...batch.keys()]);
            for (const [k, waiters] of batch) waiters.forEach((w) => w(found.get(k) ?? null));
          } catch (err) {
            for (const waiters of batch.values()) waiters.forEach((w) => w(null, err));
          }
        });
      }
      const waiters = pending.get(key) ?? [];
      waiters.push((p, e) => (e ? reject(e) : resolve(p)));
      pending.set(key, waiters);
    });
}
