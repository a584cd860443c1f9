/**
 * OpenTelemetry tracing end to end. The shared stack runs without tracing; here the three
 * deployables are restarted with only the standard OTEL_* variables pointing at a local OTLP/HTTP
 * receiver, a payment goes through the gateway with the client's W3C traceparent, and the spans
 * that arrive must form one consistent tree: client -> gateway -> payments -> plugins, with the
 * Stripe call and the Cassandra queries inside the payments request. Afterwards the deployables
 * are started again exactly as before (no tracing), whatever happened.
 */
import { randomBytes } from 'node:crypto';
import { CREATE_INTENT, PLUGINS, controlStack, gql, intentCreationsFor, ledgerRows, rest, setStripeFault, stack, userWithToken } from '../helpers/stack';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver';

const DEPLOYABLES = ['plugins', 'payments', 'gateway'] as const;

let receiver: OtlpReceiver;

async function restartAll(env?: Record<string, string>): Promise<void> {
  for (const name of DEPLOYABLES) {
    await controlStack(`deployables/${name}/kill`);
    await controlStack(`deployables/${name}/start`, env ? { env } : undefined);
  }
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  await restartAll({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100', // export within a moment, not the default 5 s
  });
}, 240_000);

afterAll(async () => {
  try {
    await restartAll(); // the shared stack as every other test expects it: tracing off
  } finally {
    await receiver.close();
  }
}, 240_000);

const port = (url: string) => new URL(url).port;
const attr = (span: ReceivedSpan, ...keys: string[]) => keys.map((k) => span.attributes[k]).find((v) => v !== undefined);
/** The URL an HTTP client span called, whichever semantic-convention version named it. */
const calledUrl = (span: ReceivedSpan) => String(attr(span, 'url.full', 'http.url') ?? '');

function tree(spans: ReceivedSpan[]) {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const parentOf = (s: ReceivedSpan) => byId.get(s.parentSpanId);
  const isUnder = (s: ReceivedSpan, ancestor: ReceivedSpan) => {
    for (let p = parentOf(s); p; p = parentOf(p)) if (p.spanId === ancestor.spanId) return true;
    return false;
  };
  return { byId, parentOf, isUnder };
}

function describeSpans(spans: ReceivedSpan[]): string {
  return spans.map((s) => `${s.service} ${s.kind} ${s.name} ${s.spanId} <- ${s.parentSpanId || '(root)'} ${JSON.stringify(s.attributes)}`).join('\n');
}

/** The spans every payment produces, once they have all arrived (exports are batched per process). */
function paymentTraceComplete(spans: ReceivedSpan[]): boolean {
  const has = (service: string, pred: (s: ReceivedSpan) => boolean) => spans.some((s) => s.service === service && pred(s));
  const ids = new Set(spans.map((s) => s.spanId));
  const orphans = spans.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId));
  return (
    has('gateway', (s) => s.kind === 'SERVER') &&
    has('payments', (s) => s.kind === 'SERVER') &&
    has('plugins', (s) => s.kind === 'SERVER') &&
    has('payments', (s) => s.name === 'stripe.create_intent') &&
    has('payments', (s) => s.name.startsWith('cassandra-driver.')) &&
    // Only the gateway's server span may point outside the trace we hold (at the client's span).
    orphans.length <= 1
  );
}

test('a payment with the client traceparent is one trace across gateway, payments and plugins, with Stripe and Cassandra spans', async () => {
  const traceId = randomBytes(16).toString('hex');
  const clientSpanId = randomBytes(8).toString('hex');
  // Probes first: if they were traced, their spans would be exported no later than the payment's.
  for (const url of [stack().urls.gateway, stack().urls.payments, stack().urls.plugins]) {
    for (const path of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${url}${path}`)).status).toBe(200);
  }
  const user = await userWithToken('traced');
  const res = await gql<{ createPluginPaymentIntent: { id: string; stripePaymentIntentId: string } }>(
    user.token,
    CREATE_INTENT,
    { input: { total: 32.49, currency: 'usd', plugins: [PLUGINS.antiCheat, PLUGINS.economy] } },
    { traceparent: `00-${traceId}-${clientSpanId}-01` },
  );
  expect(res.body.errors).toBeUndefined();
  const entryId = res.body.data!.createPluginPaymentIntent.id;
  expect(await intentCreationsFor(user.sub)).toHaveLength(1);

  const spans = await receiver.waitForTrace(traceId, paymentTraceComplete);
  expect(receiver.refused()).toEqual([]);
  if (!paymentTraceComplete(spans)) throw new Error(`incomplete trace ${traceId}:\n${describeSpans(spans)}`);
  const { parentOf, isUnder } = tree(spans);
  const ofService = (service: string) => spans.filter((s) => s.service === service);

  // The gateway continues the client's trace: its server span is the child of the client's span.
  const [gatewayServer, ...otherGatewayServers] = ofService('gateway').filter((s) => s.kind === 'SERVER');
  expect(otherGatewayServers).toEqual([]);
  expect(gatewayServer.parentSpanId).toBe(clientSpanId);
  expect(String(attr(gatewayServer, 'http.target', 'url.path'))).toBe('/graphql');
  // Every other span hangs off a span of this trace, under the gateway's request.
  for (const span of spans) {
    if (span === gatewayServer) continue;
    expect({ span: span.name, service: span.service, underGateway: isUnder(span, gatewayServer) }).toEqual({ span: span.name, service: span.service, underGateway: true });
  }

  // gateway -> payments: the gateway's own client span (not the client's traceparent forwarded as is).
  const [paymentsServer, ...otherPaymentsServers] = ofService('payments').filter((s) => s.kind === 'SERVER');
  expect(otherPaymentsServers).toEqual([]);
  const paymentsCaller = parentOf(paymentsServer)!;
  expect(paymentsCaller).toMatchObject({ service: 'gateway', kind: 'CLIENT' });
  expect(calledUrl(paymentsCaller)).toBe(`${stack().urls.payments}/graphql`);

  // payments -> plugins (the price lookup): a fetch client span in payments is the parent.
  const pluginsServers = ofService('plugins').filter((s) => s.kind === 'SERVER');
  const catalogLookup = pluginsServers.map(parentOf).find((p) => p?.service === 'payments');
  expect(catalogLookup).toMatchObject({ service: 'payments', kind: 'CLIENT' });
  expect(calledUrl(catalogLookup!)).toBe(`${stack().urls.plugins}/graphql`);
  expect(isUnder(catalogLookup!, paymentsServer)).toBe(true);
  // The catalog read its prices from Cassandra inside that request.
  const catalogServer = pluginsServers.find((s) => parentOf(s) === catalogLookup)!;
  expect(ofService('plugins').filter((s) => s.name.startsWith('cassandra-driver.') && isUnder(s, catalogServer)).length).toBeGreaterThan(0);

  // The Stripe call: our span around the provider port, and stripe-node's HTTP request inside it.
  const stripeSpans = ofService('payments').filter((s) => s.name === 'stripe.create_intent');
  expect(stripeSpans).toHaveLength(1);
  const [stripeSpan] = stripeSpans;
  expect(stripeSpan).toMatchObject({ kind: 'CLIENT', statusCode: 0, attributes: expect.objectContaining({ 'peer.service': 'stripe', 'jtm.entry_id': entryId, 'jtm.currency': 'USD' }) });
  expect(isUnder(stripeSpan, paymentsServer)).toBe(true);
  const stripeHttp = ofService('payments').filter((s) => parentOf(s) === stripeSpan && s.kind === 'CLIENT');
  expect(stripeHttp.map(calledUrl)).toEqual([`${stack().urls.stripeRecorder}/v1/payment_intents`]);

  // The ledger: Cassandra statements (text only, parameterised) under the payments request.
  const cql = ofService('payments').filter((s) => s.name.startsWith('cassandra-driver.'));
  for (const q of cql) {
    expect(isUnder(q, paymentsServer)).toBe(true);
    expect(q.attributes['db.system.name'] ?? q.attributes['db.system']).toBe('cassandra');
  }
  const statements = cql.map((q) => String(attr(q, 'db.query.text', 'db.statement') ?? ''));
  expect(statements.some((t) => /INSERT INTO \w+\.payment_entries/i.test(t))).toBe(true);
  expect(statements.some((t) => /payment_events/i.test(t))).toBe(true);
  expect(statements.join('\n')).not.toContain(user.sub); // values travel as bind parameters, never in the text

  // Probes and scrapes are not traced (nor their readiness query to Cassandra).
  const probes = receiver.spans().filter((s) => /^\/(healthz|readyz|metrics)/.test(String(attr(s, 'http.target', 'url.path') ?? '')));
  expect(probes).toEqual([]);
  expect(receiver.spans().filter((s) => /system\.local/.test(String(s.attributes['db.query.text'] ?? '')))).toEqual([]);
});

/** The Stripe span naming this ledger entry, once exported. */
async function stripeSpanFor(entryId: string): Promise<ReceivedSpan> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const span = receiver.spans().find((s) => s.name === 'stripe.create_intent' && s.attributes['jtm.entry_id'] === entryId);
    if (span) return span;
    if (Date.now() > deadline) throw new Error(`no Stripe span for entry ${entryId}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('without a traceparent the gateway starts the trace; the REST shim is traced the same way', async () => {
  const user = await userWithToken('traced-rest');
  const res = await rest(user.token, { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] }, { accept: 'application/json' });
  expect(res.status).toBe(200);
  const stripeSpan = await stripeSpanFor(String(res.json().ledgerEntryId));
  const spans = await receiver.waitForTrace(stripeSpan.traceId, paymentTraceComplete);
  if (!paymentTraceComplete(spans)) throw new Error(`incomplete trace:\n${describeSpans(spans)}`);
  const roots = spans.filter((s) => !s.parentSpanId);
  expect(roots.map((s) => [s.service, s.kind, attr(s, 'http.target', 'url.path')])).toEqual([['gateway', 'SERVER', '/payment/intent/plugin']]);
  const { isUnder } = tree(spans);
  for (const span of spans) if (span !== roots[0]) expect(isUnder(span, roots[0])).toBe(true);
});

test('a failed Stripe call is an error span carrying the outcome, its HTTP request the status', async () => {
  const user = await userWithToken('traced-fault');
  await setStripeFault({ mode: 'status', status: 500, count: 1 });
  try {
    const res = await rest(user.token, { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] });
    expect(res.status).toBe(503);
  } finally {
    await setStripeFault(null);
  }
  const [entry] = await ledgerRows(user.sub);
  const stripeSpan = await stripeSpanFor(entry.entryId);
  expect(stripeSpan).toMatchObject({ statusCode: 2, attributes: expect.objectContaining({ 'jtm.provider.outcome': 'unavailable', 'jtm.provider.reason': 'StripeAPIError' }) });
  const spans = await receiver.waitForTrace(stripeSpan.traceId, (all) => all.some((s) => s.service === 'gateway' && s.kind === 'SERVER'));
  const request = spans.find((s) => s.parentSpanId === stripeSpan.spanId && s.kind === 'CLIENT');
  expect(request && attr(request, 'http.response.status_code', 'http.status_code')).toBe(500);
});
