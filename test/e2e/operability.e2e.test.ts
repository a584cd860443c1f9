/**
 * What a cluster relies on, checked on the real running deployables: Prometheus series after a
 * payment, logs that follow a request across services and never carry a secret, an orderly
 * SIGTERM that lets an in-flight payment finish, and readiness that follows Cassandra.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CREATE_INTENT, PLUGINS, controlStack, gql, ledgerRows, rest, setStripeFault, stack, userWithToken, waitForCassandra } from '../helpers/stack';

type Deployable = 'gateway' | 'payments' | 'plugins';

/** Sum of a Prometheus sample over every series whose labels include `labels`. */
async function metric(service: Deployable, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${stack().urls[service]}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const seen = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => seen[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

const BUY_WITH_NAMES = /* GraphQL */ `
  mutation BuyWithNames($input: CreatePluginPaymentIntentInput!) {
    createPluginPaymentIntent(input: $input) { id clientSecret plugins { id name } }
  }
`;

test('/metrics exposes per-operation, subgraph, Stripe, Cassandra, Auth0 cache and intent series after a payment', async () => {
  const user = await userWithToken('metrics');
  const before = {
    operation: await metric('gateway', 'graphql_operation_duration_seconds_count', { operation: 'BuyWithNames', type: 'mutation', outcome: 'ok' }),
    refused: await metric('gateway', 'graphql_operation_duration_seconds_count', { operation: 'BuyWithNames', outcome: 'TOTAL_MISMATCH' }),
    http: await metric('gateway', 'http_request_duration_seconds_count', { route: '/graphql', status: '200' }),
    paymentsFetch: await metric('gateway', 'subgraph_fetch_duration_seconds_count', { subgraph: 'payments', outcome: 'ok' }),
    pluginsFetch: await metric('gateway', 'subgraph_fetch_duration_seconds_count', { subgraph: 'plugins', outcome: 'ok' }),
    profileMiss: await metric('gateway', 'auth0_profile_cache_total', { outcome: 'miss' }),
    stripeOk: await metric('payments', 'stripe_request_duration_seconds_count', { operation: 'create_intent', outcome: 'ok' }),
    stripeDown: await metric('payments', 'stripe_request_duration_seconds_count', { operation: 'create_intent', outcome: 'unavailable' }),
    ledgerBatches: await metric('payments', 'cassandra_query_duration_seconds_count', { statement: 'batch', outcome: 'ok' }),
    intentsUsd: await metric('payments', 'payment_intents_created_total', { currency: 'USD' }),
  };

  const ok = await gql<{ createPluginPaymentIntent: { id: string } }>(user.token, BUY_WITH_NAMES, { input: { total: 12.5, currency: 'USD', plugins: [PLUGINS.antiCheat] } });
  expect(ok.body.errors).toBeUndefined();
  const refused = await gql(user.token, BUY_WITH_NAMES, { input: { total: 0.5, currency: 'USD', plugins: [PLUGINS.antiCheat] } });
  expect(refused.body.errors![0].extensions!.code).toBe('TOTAL_MISMATCH');
  await setStripeFault({ mode: 'status', status: 500, count: 1 });
  try {
    expect((await rest(user.token, { total: 4.99, currency: 'usd', plugins: [PLUGINS.discord] })).status).toBe(503);
  } finally {
    await setStripeFault(null);
  }

  expect(await metric('gateway', 'graphql_operation_duration_seconds_count', { operation: 'BuyWithNames', type: 'mutation', outcome: 'ok' })).toBe(before.operation + 1);
  expect(await metric('gateway', 'graphql_operation_duration_seconds_count', { operation: 'BuyWithNames', outcome: 'TOTAL_MISMATCH' })).toBe(before.refused + 1);
  expect(await metric('gateway', 'http_request_duration_seconds_count', { route: '/graphql', status: '200' })).toBeGreaterThanOrEqual(before.http + 2);
  expect(await metric('gateway', 'subgraph_fetch_duration_seconds_count', { subgraph: 'payments', outcome: 'ok' })).toBeGreaterThanOrEqual(before.paymentsFetch + 1);
  expect(await metric('gateway', 'subgraph_fetch_duration_seconds_count', { subgraph: 'plugins', outcome: 'ok' })).toBeGreaterThanOrEqual(before.pluginsFetch + 1);
  expect(await metric('gateway', 'auth0_profile_cache_total', { outcome: 'miss' })).toBe(before.profileMiss + 1);
  expect(await metric('payments', 'stripe_request_duration_seconds_count', { operation: 'create_intent', outcome: 'ok' })).toBe(before.stripeOk + 1);
  expect(await metric('payments', 'stripe_request_duration_seconds_count', { operation: 'create_intent', outcome: 'unavailable' })).toBe(before.stripeDown + 1);
  // Each of the two recorded payments: one batch for the pending entry, the successful one a second for its outcome.
  expect(await metric('payments', 'cassandra_query_duration_seconds_count', { statement: 'batch', outcome: 'ok' })).toBe(before.ledgerBatches + 3);
  expect(await metric('payments', 'payment_intents_created_total', { currency: 'USD' })).toBe(before.intentsUsd + 1);
  expect(await metric('plugins', 'http_request_duration_seconds_count', { route: '/graphql' })).toBeGreaterThan(0);
  expect(await metric('payments', 'cassandra_query_duration_seconds_bucket', { statement: 'batch', le: '+Inf' })).toBeGreaterThan(0);
});

test('a request id follows a payment through the logs of every service; no log line carries a secret', async () => {
  const user = await userWithToken('logs');
  const requestId = `ops-${randomUUID()}`;
  const res = await rest(user.token, { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] }, { 'x-request-id': requestId });
  expect(res.status).toBe(200);
  const clientSecret = res.text;
  const gqlRes = await gql<{ createPluginPaymentIntent: { clientSecret: string } }>(user.token, BUY_WITH_NAMES, { input: { total: 19.99, currency: 'USD', plugins: [PLUGINS.economy] } });
  const secondSecret = gqlRes.body.data!.createPluginPaymentIntent.clientSecret;
  await new Promise((r) => setTimeout(r, 300)); // let the services flush their access lines

  const logs = Object.fromEntries((['gateway', 'payments', 'plugins'] as const).map((d) => [d, readFileSync(join(stack().runDir, 'logs', `${d}.log`), 'utf8')]));
  const linesWith = (d: Deployable, needle: string) => logs[d].split('\n').filter((l) => l.includes(needle)).map((l) => JSON.parse(l));
  // Structured: the request's lines in each service are JSON with the same id, and name the client.
  for (const d of ['gateway', 'payments', 'plugins'] as const) {
    const lines = linesWith(d, requestId);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.msg === 'request' && l.clientId === user.sub && l.status === 200)).toBe(true);
  }
  expect(linesWith('payments', requestId).find((l) => l.msg === 'payment intent created')).toMatchObject({ amountMinor: '1250', currency: 'USD', clientId: user.sub });

  const env = stack().env;
  const secrets = {
    'access token': user.token,
    'client secret (REST)': clientSecret,
    'client secret (GraphQL)': secondSecret,
    'Stripe key': env.payments.STRIPE_SECRET_KEY,
    'Auth0 M2M secret': env.gateway.AUTH0_CLIENT_SECRET,
    'identity signing key': env.gateway.IDENTITY_SIGNING_KEYS.split(':')[1],
  };
  for (const [d, text] of Object.entries(logs)) {
    for (const [what, value] of Object.entries(secrets)) {
      expect({ service: d, what, found: text.includes(value) }).toEqual({ service: d, what, found: false });
    }
    // Nothing shaped like a JWT (access token, identity assertion) or a client secret, whoever it belongs to.
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./);
    expect(text).not.toMatch(/_secret_[A-Za-z0-9]/);
  }
});

test('SIGTERM: readiness is gone, the in-flight payment finishes, the ledger is complete, the process exits 0', async () => {
  const user = await userWithToken('sigterm');
  await setStripeFault({ mode: 'delay', delayMs: 2_500, count: 1 });
  let exitCode: string;
  let inFlight: ReturnType<typeof rest>;
  try {
    inFlight = rest(user.token, { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] });
    await new Promise((r) => setTimeout(r, 1_000)); // the request is now waiting on Stripe
    const terminated = controlStack('deployables/payments/term');
    await new Promise((r) => setTimeout(r, 300));
    // Draining: no new connection is accepted, so the readiness probe fails.
    await expect(fetch(`${stack().urls.payments}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.status)).rejects.toThrow();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/);
    exitCode = await terminated;
  } finally {
    await setStripeFault(null);
    await controlStack('deployables/payments/start');
  }
  expect(exitCode).toBe('0');
  const [row] = await ledgerRows(user.sub);
  expect(row.events.map((e) => e.status)).toEqual(['PENDING', 'CREATED']);
  const log = readFileSync(join(stack().runDir, 'logs', 'payments.log'), 'utf8');
  expect(log).toMatch(/"msg":"draining"[\s\S]*"msg":"stopped"/);
});

async function readyStatus(d: Deployable): Promise<number> {
  return (await fetch(`${stack().urls[d]}/readyz`, { signal: AbortSignal.timeout(3_000) })).status;
}

async function waitForReady(d: Deployable, status: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await readyStatus(d)) !== status) {
    if (Date.now() > deadline) throw new Error(`${d} /readyz never answered ${status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('/readyz turns 503 on the Cassandra users when Cassandra stops, and 200 again when it returns', async () => {
  for (const d of ['gateway', 'payments', 'plugins'] as const) expect(await readyStatus(d)).toBe(200);
  await controlStack('cassandra/stop');
  try {
    await waitForReady('payments', 503, 15_000);
    await waitForReady('plugins', 503, 15_000);
    expect((await fetch(`${stack().urls.payments}/healthz`)).status).toBe(200); // alive: no restart wanted
    expect(await readyStatus('gateway')).toBe(200); // the gateway does not use Cassandra
  } finally {
    await controlStack('cassandra/start');
  }
  await waitForReady('payments', 200, 30_000);
  await waitForReady('plugins', 200, 30_000);
  await waitForCassandra();
  const user = await userWithToken('after-outage');
  expect((await rest(user.token, { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] })).status).toBe(200);
});
