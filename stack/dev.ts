/** `npm run dev`: the whole local stack and the product; prints what to paste; Ctrl-C stops all. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLocalStack, DEV_PORTS, PAYMENT_SCOPE } from './local-stack';
import { projectRoot } from '../common/paths';
import { DEFAULT_DEV_USERS } from './auth0';

async function main() {
  const t0 = Date.now();
  const stack = await startLocalStack({ ports: DEV_PORTS, runDir: join(projectRoot(), '.run', 'dev'), log: (l) => console.log(`[stack] ${l}`) });
  // The payments settings of this dev stack, for `npm run reconcile:dev` (node --env-file). Dev-only
  // values (a stripe-mock key, a per-start signing key), readable by this user only.
  const envFile = join(projectRoot(), '.run', 'dev', 'payments.env');
  writeFileSync(envFile, Object.entries(stack.env.payments).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join('\n') + '\n', { mode: 0o600 });
  const sub = DEFAULT_DEV_USERS[0].user_id;
  const token = await stack.auth0.mintToken({ sub, scope: PAYMENT_SCOPE, expiresInSec: 8 * 3600 });
  const body = JSON.stringify({ total: 12.5, currency: 'usd', plugins: ['0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b01'] });
  const gql = JSON.stringify({
    query: 'mutation($input: CreatePluginPaymentIntentInput!) { createPluginPaymentIntent(input: $input) { id stripePaymentIntentId clientSecret amount { amountMinor currency formatted } plugins { id name } } }',
    variables: { input: JSON.parse(body) },
  });
  console.log(`
JTM Network gateway is up (${((Date.now() - t0) / 1000).toFixed(0)} s).

  gateway (GraphQL)  ${stack.urls.gateway}/graphql
  REST shim          ${stack.urls.gateway}/payment/intent/plugin
  payments subgraph  ${stack.urls.payments}/graphql   (only accepts the gateway's signed identity)
  plugins subgraph   ${stack.urls.plugins}/graphql
  Auth0 stand-in     ${stack.urls.auth0}   (issuer ${stack.auth0.issuer})
  stripe-mock        ${stack.urls.stripeMock}
  Cassandra          ${stack.urls.cassandra}   (keyspaces jtm_payments, jtm_catalog)
  logs               .run/dev/logs/

A dev token for ${sub} (8 h; mint more with: export TOKEN=$(npm run -s token -- --sub 'auth0|...')):

export TOKEN='${token}'

REST (plain-text client secret; add -H 'Accept: application/json' for JSON):

curl -sS -X POST ${stack.urls.gateway}/payment/intent/plugin -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H "Idempotency-Key: try-$(date +%s)" -d '${body}'

GraphQL:

curl -sS ${stack.urls.gateway}/graphql -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '${gql.replaceAll("'", "'\\''")}'

The ledger rows of that client:  npm run ledger -- '${sub}'
Settle entries left pending:     npm run reconcile:dev -- --older-than-sec 60
stripe-mock answers every payment with the same sample intent and client secret; the ledger
keeps each payment apart by its own entry id.

Ctrl-C stops everything.`);
  const stop = async () => {
    console.log('\n[stack] stopping...');
    await stack.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

process.on('uncaughtException', (err) => {
  console.error(`[stack] failed: ${err.message}`);
  process.exit(1);
});

main().catch((err) => {
  console.error(`[stack] failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
