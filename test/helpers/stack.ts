/**
 * What tests use to talk to the running test stack: tokens from the Auth0 stand-in, the gateway
 * over HTTP, what reached Stripe (from the recording proxy) and what reached Cassandra.
 */
import { randomBytes } from 'node:crypto';
import { Client, policies } from 'cassandra-driver';
import type { StackPorts } from '../../stack/local-stack';
import type { RecordedStripeRequest, Fault } from '../../stack/stripe-recorder';

export interface TestStackInfo {
  urls: { gateway: string; payments: string; plugins: string; auth0: string; stripeMock: string; stripeRecorder: string; cassandra: string; control: string };
  ports: StackPorts;
  env: Record<'plugins' | 'payments' | 'gateway', Record<string, string>>;
  runDir: string;
}

export function stack(): TestStackInfo {
  const raw = process.env.JTM_TEST_STACK;
  if (!raw) throw new Error('JTM_TEST_STACK is not set: run these tests through jest with the e2e project (npm test)');
  return JSON.parse(raw) as TestStackInfo;
}

export const PLUGINS = {
  antiCheat: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b01', // 12.50 USD
  economy: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b02', // 19.99 USD
  worldBackup: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b03', // 0.29 USD, not for sale
  discord: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b04', // 4.99 USD
  ranks: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b07', // 9.90 EUR
  sakura: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b12', // 500 JPY
  pachinko: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b13', // 1200 JPY
  caravan: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b14', // 18.600 KWD
  oasis: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b15', // 2.250 KWD
  emotes: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b16', // 0.29 USD, below Stripe's minimum alone
  operatorSuite: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b17', // 999999.99 USD, Stripe's maximum
};

export interface TokenOptions {
  sub?: string;
  scope?: string;
  permissions?: string[];
  expiresInSec?: number;
  audience?: string | string[];
  notBeforeSec?: number;
  issuedAtOffsetSec?: number;
  kid?: string;
}

/** A fresh user known to the stand-in's Management API, so each test reads only its own ledger rows. */
export async function newUser(label = 'user'): Promise<{ sub: string; email: string }> {
  const sub = `auth0|${label}-${randomBytes(8).toString('hex')}`;
  const email = `${sub.slice(6)}@example.test`;
  const res = await fetch(`${stack().urls.auth0}/__standin/users/${encodeURIComponent(sub)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user_id: sub, email, name: label }),
  });
  if (!res.ok) throw new Error(`stand-in refused the user: ${res.status} ${await res.text()}`);
  return { sub, email };
}

export async function token(opts: TokenOptions & { sub: string }): Promise<string> {
  const res = await fetch(`${stack().urls.auth0}/__standin/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(opts) });
  if (!res.ok) throw new Error(`stand-in refused to mint: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

export async function userWithToken(label?: string, opts: TokenOptions = {}): Promise<{ sub: string; email: string; token: string }> {
  const user = await newUser(label);
  return { ...user, token: await token({ ...opts, sub: user.sub }) };
}

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, unknown> }> };
}

export async function gql<T = Record<string, unknown>>(accessToken: string | null, query: string, variables?: Record<string, unknown>, headers: Record<string, string> = {}): Promise<GraphQLResponse<T>> {
  const res = await fetch(`${stack().urls.gateway}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as GraphQLResponse<T>['body'] };
}

export async function rest(accessToken: string | null, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string; json: () => Record<string, unknown> }> {
  const res = await fetch(`${stack().urls.gateway}/payment/intent/plugin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

export const CREATE_INTENT = `mutation Create($input: CreatePluginPaymentIntentInput!) {
  createPluginPaymentIntent(input: $input) {
    id stripePaymentIntentId clientSecret status createdAt
    amount { amountMinor currency formatted }
    plugins { id }
  }
}`;

/** Everything that reached Stripe (through the recording proxy) since the last clear. */
export async function stripeRequests(): Promise<RecordedStripeRequest[]> {
  const res = await fetch(`${stack().urls.stripeRecorder}/__recorder/requests`);
  return (await res.json()) as RecordedStripeRequest[];
}

/** Intent creations that carried this client's id in their metadata. */
export async function intentCreationsFor(clientId: string): Promise<RecordedStripeRequest[]> {
  return (await stripeRequests()).filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents' && r.params['metadata[client_id]'] === clientId);
}

export async function setStripeFault(fault: Fault | null): Promise<void> {
  await fetch(`${stack().urls.stripeRecorder}/__recorder/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
}

let cassandraClient: Client | undefined;
export function cassandra(): Client {
  // Reconnect quickly: fault tests stop and restart Cassandra under this client.
  cassandraClient ??= new Client({
    contactPoints: [stack().urls.cassandra],
    localDataCenter: 'datacenter1',
    policies: { reconnection: new policies.reconnection.ConstantReconnectionPolicy(500) },
  });
  return cassandraClient;
}

export async function closeCassandra(): Promise<void> {
  await cassandraClient?.shutdown();
  cassandraClient = undefined;
}

export interface LedgerRow {
  entryId: string;
  clientId: string;
  idempotencyKey: string | null;
  amountMinor: bigint;
  currency: string;
  pluginIds: string[];
  createdAt: Date;
  /** Oldest first. */
  events: Array<{ status: string; stripeIntentId: string | null; stripeStatus: string | null; reason: string | null }>;
}

/** What actually reached Cassandra for this client: entries and their event history. */
export async function ledgerRows(clientId: string): Promise<LedgerRow[]> {
  const ks = stack().env.payments.CASSANDRA_KEYSPACE;
  const entries = await cassandra().execute(`SELECT * FROM ${ks}.payment_entries WHERE client_id = ?`, [clientId], { prepare: true });
  const rows: LedgerRow[] = [];
  for (const e of entries.rows) {
    const events = await cassandra().execute(`SELECT * FROM ${ks}.payment_events WHERE entry_id = ?`, [e.entry_id], { prepare: true });
    rows.push({
      entryId: String(e.entry_id),
      clientId: e.client_id,
      idempotencyKey: e.idempotency_key,
      amountMinor: BigInt(e.amount_minor.toString()),
      currency: e.currency,
      pluginIds: (e.plugin_ids ?? []).map(String),
      createdAt: e.created_at,
      events: [...events.rows].reverse().map((ev) => ({ status: ev.status, stripeIntentId: ev.stripe_intent_id, stripeStatus: ev.stripe_status, reason: ev.reason })),
    });
  }
  return rows;
}

/** Whether the reconciler's index (pending_entries) still lists this entry. */
export async function inPendingIndex(entryId: string): Promise<boolean> {
  const ks = stack().env.payments.CASSANDRA_KEYSPACE;
  const rows = await cassandra().execute(`SELECT entry_id FROM ${ks}.pending_entries WHERE entry_id = ? ALLOW FILTERING`, [entryId], { prepare: true });
  return rows.rowLength > 0;
}

/** Asserts the request changed nothing: no ledger entry, no key claimed, nothing sent to Stripe. */
export async function expectNothingWritten(clientId: string): Promise<void> {
  const ks = stack().env.payments.CASSANDRA_KEYSPACE;
  const entries = await ledgerRows(clientId);
  const keys = await cassandra().execute(`SELECT client_id FROM ${ks}.idempotency_keys WHERE client_id = ? ALLOW FILTERING`, [clientId], { prepare: true });
  const creations = await intentCreationsFor(clientId);
  if (entries.length || keys.rows.length || creations.length) {
    throw new Error(`expected nothing written for ${clientId}, found ${entries.length} ledger entries, ${keys.rows.length} idempotency keys, ${creations.length} Stripe intent creations`);
  }
}

/** Fault injection on the shared test stack (see stack-control.ts): stop/start Cassandra, kill/start a deployable. */
/** Answers "ok", or for term the deployable's exit code. A start can add environment variables (`body.env`) for that run. */
export async function controlStack(action: 'cassandra/stop' | 'cassandra/start' | `deployables/${'payments' | 'plugins' | 'gateway'}/${'kill' | 'term' | 'start'}`, body?: { env: Record<string, string> }): Promise<string> {
  const res = await fetch(`${stack().urls.control}/${action}`, { method: 'POST', body: body ? JSON.stringify(body) : undefined, signal: AbortSignal.timeout(240_000) });
  const text = await res.text();
  if (!res.ok) throw new Error(`stack control ${action} failed: ${res.status} ${text}`);
  return text;
}

/** The Auth0 stand-in's request counters (JWKS fetches, token requests, Management API user lookups). */
export async function auth0Stats(): Promise<{ jwksRequests: number; tokenRequests: number; userLookups: number }> {
  const res = await fetch(`${stack().urls.auth0}/__standin/stats`);
  return (await res.json()) as { jwksRequests: number; tokenRequests: number; userLookups: number };
}

/** Makes the stand-in's Management API (`/api/v2/users/*`) slow or failing; `null` clears. Always clear it. */
export async function setAuth0Fault(fault: { status?: number; delayMs?: number; retryAfterSec?: number } | null): Promise<void> {
  const res = await fetch(`${stack().urls.auth0}/__standin/fault`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  if (!res.ok) throw new Error(`stand-in refused the fault: ${res.status} ${await res.text()}`);
}

/** Rotates the stand-in's signing key (the previous one stays published until the next rotation). */
export async function rotateAuth0Keys(): Promise<{ kid: string; published: string[] }> {
  const res = await fetch(`${stack().urls.auth0}/__standin/rotate`, { method: 'POST' });
  if (!res.ok) throw new Error(`stand-in refused to rotate: ${res.status} ${await res.text()}`);
  return (await res.json()) as { kid: string; published: string[] };
}

/** The stand-in's published JWKS, as the gateway fetches it (counts as a JWKS request in its stats). */
export async function auth0Jwks(): Promise<{ keys: Array<Record<string, string>> }> {
  const res = await fetch(`${stack().urls.auth0}/.well-known/jwks.json`);
  return (await res.json()) as { keys: Array<Record<string, string>> };
}

/** Waits (bounded) until this test process's own Cassandra session answers again after a restart. */
export async function waitForCassandra(timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await cassandra().execute('SELECT release_version FROM system.local');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
