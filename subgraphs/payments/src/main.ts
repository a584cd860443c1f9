/** The payments subgraph: composition root. Clients are built here once and injected. */
import { tracing } from './tracing'; // first: see tracing.ts
import { createLogger } from '../../../common/log';
import { createMetrics } from '../../../common/metrics';
import { loadOrExit } from '../../../common/env';
import { createCassandraClient, migrate, cassandraUsable } from '../../../common/cassandra';
import { buildSubgraphServer, subgraphRoute } from '../../../common/subgraph-server';
import { startService, exitOnSignals } from '../../../common/service';
import { LEDGER_TABLES } from './ledger/ledger-tables';
import { Ledger } from './ledger/ledger';
import { SubgraphCatalog } from './catalog/catalog-client';
import { createStripeClient, StripePaymentProvider } from './stripe/stripe-provider';
import { timedProvider } from './stripe/timed-provider';
import { AttemptTracker, maxAttemptMs } from './intents/attempts';
import { tracedProvider } from './stripe/traced-provider';
import { paymentsResolvers, type PaymentsContext } from './resolvers';
import { loadConfig } from './config';

async function main() {
  const config = loadOrExit(() => loadConfig());
  const log = createLogger('payments', config.logLevel);
  const metrics = createMetrics('payments');
  const intentsCreated = metrics.counter('payment_intents_created_total', 'Stripe PaymentIntents created, by currency', ['currency']);
  const stripeCalls = metrics.histogram('stripe_request_duration_seconds', 'Stripe calls by operation and outcome (ok, rejected, unavailable, misconfigured)', ['operation', 'outcome']);

  const cassandra = createCassandraClient(config.cassandra, metrics.cassandraQueries());
  await migrate(cassandra, config.cassandra, LEDGER_TABLES);
  const attemptMs = maxAttemptMs(config.stripe, config.cassandra.requestTimeoutMs);
  const deps = {
    ledger: new Ledger(cassandra, config.cassandra.keyspace),
    catalog: new SubgraphCatalog(config.catalogUrl, config.catalogTimeoutMs),
    provider: tracedProvider(
      timedProvider(new StripePaymentProvider(createStripeClient(config.stripe)), (labels, seconds) => stripeCalls.observe(labels, seconds)),
      'stripe',
    ),
    maxPluginsPerIntent: config.maxPluginsPerIntent,
    attempts: new AttemptTracker(attemptMs),
    onIntentCreated: (currency: string) => intentsCreated.inc({ currency }),
  };

  const apollo = buildSubgraphServer<PaymentsContext>({ sdlFile: 'payments.graphql', resolvers: paymentsResolvers(deps), log });
  await apollo.start();

  const service = await startService({
    name: 'payments subgraph',
    host: config.host,
    port: config.port,
    log,
    metrics,
    routes: {
      '/graphql': subgraphRoute(apollo, config.identityKeys, (base, req) => {
        const header = req.headers['idempotency-key'];
        // Validated with the rest of the input, so a bad key is a clear BAD_USER_INPUT error.
        return { ...base, headerIdempotencyKey: typeof header === 'string' ? header : undefined };
      }),
    },
    readiness: () => cassandraUsable(cassandra),
    // SIGTERM waits for the longest attempt, so a payment in flight is never cut between Stripe and its outcome.
    drainMs: attemptMs + 1_000,
    close: async () => {
      await apollo.stop();
      await cassandra.shutdown();
      await tracing?.shutdown();
    },
  });
  exitOnSignals(service);
}

main().catch((err) => {
  process.stderr.write(`payments subgraph failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
