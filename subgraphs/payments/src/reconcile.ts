/**
 * `node dist/subgraphs/payments/src/reconcile.js [--older-than-sec N] [--lookback-days D] [--replay-window-sec W]`
 * One reconciliation pass (a Kubernetes CronJob runs it every 5 minutes). Exit code 0 when
 * nothing is left pending, 3 when entries remain: some could not be settled yet (Stripe
 * unreachable) or some are older than the lookback window (report.beyondLookback).
 */
import { createLogger } from '../../../common/log';
import { loadOrExit } from '../../../common/env';
import { createCassandraClient, migrate } from '../../../common/cassandra';
import { LEDGER_TABLES } from './ledger/ledger-tables';
import { Ledger } from './ledger/ledger';
import { REPLAY_WINDOW_MS, reconcilePending } from './ledger/reconciler';
import { createStripeClient, StripePaymentProvider } from './stripe/stripe-provider';
import { readStripeConfig } from './config';
import { readCassandraConfig } from '../../../common/cassandra';

function flag(name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const at = process.argv.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    process.stderr.write(`${name} needs an integer from 0 to ${max}\n`);
    process.exit(2);
  }
  return value;
}

async function main() {
  const { cassandra: cassandraConfig, stripe } = loadOrExit(() => ({
    cassandra: readCassandraConfig(process.env, 'jtm_payments'),
    stripe: readStripeConfig(process.env),
  }));
  const log = createLogger('payments-reconciler');
  const cassandra = createCassandraClient(cassandraConfig);
  try {
    await migrate(cassandra, cassandraConfig, LEDGER_TABLES);
    const report = await reconcilePending(
      { ledger: new Ledger(cassandra, cassandraConfig.keyspace), provider: new StripePaymentProvider(createStripeClient(stripe)), log },
      {
        olderThanMs: flag('--older-than-sec', 300) * 1000,
        lookbackDays: flag('--lookback-days', 7),
        // Past Stripe's 24 h key retention a replay could create a second intent: never allow it.
        replayWindowMs: flag('--replay-window-sec', REPLAY_WINDOW_MS / 1000, REPLAY_WINDOW_MS / 1000) * 1000,
      },
    );
    process.stdout.write(JSON.stringify(report) + '\n');
    process.exitCode = report.stillPending > 0 || report.beyondLookback > 0 ? 3 : 0;
  } finally {
    await cassandra.shutdown();
  }
}

main().catch((err) => {
  process.stderr.write(`reconciler failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
