/** The plugin catalog subgraph: composition root. */
import { tracing } from './tracing'; // first: see tracing.ts
import { createLogger } from '../../../common/log';
import { createMetrics } from '../../../common/metrics';
import { loadOrExit } from '../../../common/env';
import { createCassandraClient, migrate, cassandraUsable } from '../../../common/cassandra';
import { buildSubgraphServer, subgraphRoute } from '../../../common/subgraph-server';
import { startService, exitOnSignals } from '../../../common/service';
import { CATALOG_TABLES, CatalogStore } from './catalog-store';
import { catalogResolvers, pluginLoader, type CatalogContext } from './resolvers';
import { loadConfig } from './config';

async function main() {
  const config = loadOrExit(() => loadConfig());
  const log = createLogger('plugins', config.logLevel);
  const metrics = createMetrics('plugins');
  const cassandra = createCassandraClient(config.cassandra, metrics.cassandraQueries());
  await migrate(cassandra, config.cassandra, CATALOG_TABLES);
  const store = new CatalogStore(cassandra, config.cassandra.keyspace);

  const apollo = buildSubgraphServer<CatalogContext>({ sdlFile: 'plugins.graphql', resolvers: catalogResolvers(store), log });
  await apollo.start();

  const service = await startService({
    name: 'plugins subgraph',
    host: config.host,
    port: config.port,
    log,
    metrics,
    routes: {
      '/graphql': subgraphRoute(apollo, config.identityKeys, (base) => ({ ...base, loadPlugin: pluginLoader(store) })),
    },
    readiness: () => cassandraUsable(cassandra),
    close: async () => {
      await apollo.stop();
      await cassandra.shutdown();
      await tracing?.shutdown();
    },
  });
  exitOnSignals(service);
}

main().catch((err) => {
  process.stderr.write(`plugins subgraph failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
