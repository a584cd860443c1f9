/**
 * The three workloads: what each request looks like for each kind of target and what a correct
 * answer is. "direct" sends the subgraph's own part of the operation with an identity assertion
 * signed like the gateway's; a "front" is a gateway (ours, Hive, or a variant of ours).
 */
export type WorkloadId = 'W1' | 'W2' | 'W3';
export type TargetKind = 'direct' | 'front';
/** W1 reads the caller's payments (payments + catalog) once the schema has myPluginPayments; until then the catalog. */
export type W1Mode = 'payments' | 'catalog';

export interface Caller {
  sub: string;
  token: string;
  /** x-jtm-identity for direct calls (refreshed by the load generator, assertions live 60 s). */
  assertion?: string;
}

export interface HttpCall {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Workload {
  id: WorkloadId;
  title: string;
  /** Which fronts serve it: GraphQL (every gateway) or REST (only ours has the shim). */
  api: 'graphql' | 'rest';
  /** The subgraph a direct call goes to; absent = no direct configuration. */
  direct?: 'payments' | 'plugins';
  request(kind: TargetKind, caller: Caller, key: string): HttpCall;
  /** Cheap check of every response (status, no GraphQL errors). */
  quickCheck(status: number, body: string): boolean;
  /** Full check of the answer's data and shape; a message when wrong. */
  validate(kind: TargetKind, status: number, body: string): string | undefined;
}

export const PLUGIN_IDS = { antiCheat: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b01', economy: '0b6f1c3e-5a8d-4e2f-9c1a-7d3e5f2a1b02' };
/** 12.50 + 19.99 USD: two plugins, so the payments subgraph prices two catalog entities. */
export const PAYMENT_INPUT = { total: 32.49, currency: 'usd', plugins: [PLUGIN_IDS.antiCheat, PLUGIN_IDS.economy] };

const SECRET = /^pi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MONEY = /^\d+\.\d{2}$/;

export const W1_PAYMENTS_FRONT = '{ myPluginPayments(first: 5) { id status amount { formatted } plugins { id name price { formatted } } } }';
export const W1_PAYMENTS_DIRECT = '{ myPluginPayments(first: 5) { id status amount { formatted } plugins { id } } }';
export const W1_CATALOG = '{ plugins { id name price { formatted } } }';
export const CREATE_INTENT = `mutation CreatePluginPaymentIntent($input: CreatePluginPaymentIntentInput!) {
  createPluginPaymentIntent(input: $input) { id stripePaymentIntentId clientSecret status amount { amountMinor currency formatted } plugins { id } createdAt }
}`;

function headersFor(kind: TargetKind, caller: Caller): Record<string, string> {
  const auth: Record<string, string> = kind === 'direct' ? { 'x-jtm-identity': caller.assertion ?? '' } : { authorization: `Bearer ${caller.token}` };
  return { 'content-type': 'application/json', ...auth };
}

const graphqlOk = (status: number, body: string) => status === 200 && body.startsWith('{"data":') && !body.includes('"errors"');

function parseData(status: number, body: string): { data?: Record<string, unknown>; problem?: string } {
  if (status !== 200) return { problem: `HTTP ${status}: ${body.slice(0, 200)}` };
  let parsed: { data?: Record<string, unknown>; errors?: unknown[] };
  try {
    parsed = JSON.parse(body);
  } catch {
    return { problem: `not JSON: ${body.slice(0, 200)}` };
  }
  if (parsed.errors?.length) return { problem: `GraphQL errors: ${JSON.stringify(parsed.errors).slice(0, 300)}` };
  if (!parsed.data) return { problem: 'no data' };
  return { data: parsed.data };
}

type Check = (value: unknown, where: string) => string | undefined;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkPluginList(plugins: unknown, where: string, withCatalogFields: boolean, minLength = 1): string | undefined {
  if (!Array.isArray(plugins) || plugins.length < minLength) return `${where} should be a list of at least ${minLength} plugins`;
  for (const [i, p] of plugins.entries()) {
    if (!isObject(p) || typeof p.id !== 'string' || !UUID.test(p.id)) return `${where}[${i}].id should be a UUID`;
    if (withCatalogFields) {
      if (typeof p.name !== 'string' || p.name === '') return `${where}[${i}].name should be a non-empty string (from the catalog)`;
      if (!isObject(p.price) || typeof p.price.formatted !== 'string') return `${where}[${i}].price.formatted should be a string (from the catalog)`;
    }
  }
  return undefined;
}

const checkMyPayments = (withCatalogFields: boolean): Check => (value, where) => {
  if (!Array.isArray(value) || value.length < 1 || value.length > 5) return `${where} should hold 1 to 5 payments (each user paid in setup)`;
  for (const [i, p] of value.entries()) {
    if (!isObject(p) || typeof p.id !== 'string' || !UUID.test(p.id)) return `${where}[${i}].id should be a UUID`;
    if (!['PENDING', 'CREATED', 'FAILED'].includes(String(p.status))) return `${where}[${i}].status is ${String(p.status)}`;
    if (!isObject(p.amount) || typeof p.amount.formatted !== 'string' || !MONEY.test(p.amount.formatted)) return `${where}[${i}].amount.formatted should look like 32.49`;
    const plugins = checkPluginList(p.plugins, `${where}[${i}].plugins`, withCatalogFields);
    if (plugins) return plugins;
  }
  return undefined;
};

function checkIntent(value: unknown, where: string): string | undefined {
  if (!isObject(value)) return `${where} missing`;
  if (typeof value.clientSecret !== 'string' || !SECRET.test(value.clientSecret)) return `${where}.clientSecret should be pi_..._secret_...`;
  if (typeof value.id !== 'string' || !UUID.test(value.id)) return `${where}.id should be a UUID`;
  if (value.status !== 'CREATED') return `${where}.status is ${String(value.status)}, expected CREATED`;
  const amount = value.amount as Record<string, unknown> | undefined;
  if (!amount || amount.amountMinor !== '3249' || amount.currency !== 'USD' || amount.formatted !== '32.49') return `${where}.amount is ${JSON.stringify(amount)}, expected 3249 USD`;
  const ids = Array.isArray(value.plugins) ? value.plugins.map((p) => (isObject(p) ? p.id : undefined)) : [];
  if (JSON.stringify(ids) !== JSON.stringify(PAYMENT_INPUT.plugins)) return `${where}.plugins are ${JSON.stringify(ids)}`;
  return undefined;
}

function graphqlWorkload(id: WorkloadId, title: string, direct: Workload['direct'], query: (kind: TargetKind) => string, variables: (key: string) => Record<string, unknown> | undefined, field: string, check: (kind: TargetKind) => Check): Workload {
  return {
    id,
    title,
    api: 'graphql',
    direct,
    request: (kind, caller, key) => ({ path: '/graphql', headers: headersFor(kind, caller), body: JSON.stringify({ query: query(kind), variables: variables(key) }) }),
    quickCheck: graphqlOk,
    validate(kind, status, body) {
      const { data, problem } = parseData(status, body);
      return problem ?? check(kind)(data?.[field], field);
    },
  };
}

export function workloads(w1Mode: W1Mode): Record<WorkloadId, Workload> {
  const W1 = w1Mode === 'payments'
    ? graphqlWorkload('W1', 'myPluginPayments(first: 5) with catalog names and prices', 'payments',
      (kind) => (kind === 'direct' ? W1_PAYMENTS_DIRECT : W1_PAYMENTS_FRONT), () => undefined, 'myPluginPayments',
      (kind) => checkMyPayments(kind === 'front'))
    : graphqlWorkload('W1', 'catalog { plugins { id name price } } (interim W1: schema has no myPluginPayments yet)', 'plugins',
      () => W1_CATALOG, () => undefined, 'plugins', () => (value, where) => checkPluginList(value, where, true, 10));
  const W2 = graphqlWorkload('W2', 'createPluginPaymentIntent (GraphQL, stripe-mock + Cassandra)', 'payments',
    () => CREATE_INTENT, (key) => ({ input: { ...PAYMENT_INPUT, idempotencyKey: key } }), 'createPluginPaymentIntent', () => checkIntent);
  const W3: Workload = {
    id: 'W3',
    title: 'POST /payment/intent/plugin (REST shim, same payment)',
    api: 'rest',
    request: (_kind, caller, key) => ({ path: '/payment/intent/plugin', headers: headersFor('front', caller), body: JSON.stringify({ ...PAYMENT_INPUT, idempotencyKey: key }) }),
    quickCheck: (status, body) => status === 200 && SECRET.test(body),
    validate: (_kind, status, body) => (status === 200 && SECRET.test(body) ? undefined : `HTTP ${status}: ${body.slice(0, 200)}`),
  };
  return { W1, W2, W3 };
}
