import { integer, optional, required, url } from '../../../common/env';
import { readCassandraConfig, type CassandraConfig } from '../../../common/cassandra';
import { parseSigningKeys, type SigningKey } from '../../../common/identity';
import { ConfigError } from '../../../common/env';

export interface StripeConfig {
  secretKey: string;
  /** Only for an emulator (stripe-mock, localstripe); unset means api.stripe.com. */
  apiBase?: { host: string; port: number; protocol: 'http' | 'https' };
  timeoutMs: number;
  maxNetworkRetries: number;
}

export interface PaymentsConfig {
  host: string;
  port: number;
  cassandra: CassandraConfig;
  stripe: StripeConfig;
  catalogUrl: string;
  catalogTimeoutMs: number;
  identityKeys: SigningKey[];
  maxPluginsPerIntent: number;
  logLevel: string;
}

export function readStripeConfig(env: Record<string, string | undefined>): StripeConfig {
  const secretKey = required(env, 'STRIPE_SECRET_KEY');
  if (!/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/.test(secretKey)) throw new ConfigError('STRIPE_SECRET_KEY does not look like a Stripe secret key');
  let apiBase: StripeConfig['apiBase'];
  if (env.STRIPE_API_BASE) {
    const u = new URL(url(env, 'STRIPE_API_BASE'));
    const protocol = u.protocol === 'https:' ? 'https' : 'http';
    apiBase = { host: u.hostname, port: Number(u.port || (protocol === 'https' ? 443 : 80)), protocol };
  }
  return {
    secretKey,
    apiBase,
    timeoutMs: integer(env, 'STRIPE_TIMEOUT_MS', 8_000, 100, 120_000),
    maxNetworkRetries: integer(env, 'STRIPE_MAX_NETWORK_RETRIES', 1, 0, 5),
  };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): PaymentsConfig {
  return {
    host: optional(env, 'HOST', '127.0.0.1'),
    port: integer(env, 'PORT', 4001, 0, 65535),
    cassandra: readCassandraConfig(env, 'jtm_payments'),
    stripe: readStripeConfig(env),
    catalogUrl: url(env, 'CATALOG_URL', 'http://127.0.0.1:4002/graphql'),
    catalogTimeoutMs: integer(env, 'CATALOG_TIMEOUT_MS', 3_000, 50, 60_000),
    identityKeys: parseSigningKeys(required(env, 'IDENTITY_SIGNING_KEYS')),
    maxPluginsPerIntent: integer(env, 'MAX_PLUGINS_PER_INTENT', 20, 1, 100),
    logLevel: optional(env, 'LOG_LEVEL', 'info'),
  };
}
