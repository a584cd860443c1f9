import { bool, ConfigError, integer, list, optional, required, url } from '../../common/env';
import { parseSigningKeys, type SigningKey } from '../../common/identity';
import { schemaFile } from '../../common/paths';

export interface Auth0Config {
  /** Host name only, e.g. "jtm.eu.auth0.com" (scheme and slashes accepted and removed). */
  domain: string;
  /** Exactly Auth0's issuer: https://<domain>/ (with the trailing slash). */
  issuer: string;
  /** The API identifier tokens must be issued for. */
  audience: string;
  /** M2M application allowed to read users from the Management API (read:users). */
  clientId: string;
  clientSecret: string;
  /** Dev and tests only: where requests for https://<domain> really go (the local stand-in). */
  httpBaseUrl?: string;
  /** When set, the payment mutation needs this scope or permission on the token. */
  requiredScope?: string;
  timeoutMs: number;
  profileTtlMs: number;
  profileCacheSize: number;
  clockToleranceSec: number;
}

export interface GatewayConfig {
  host: string;
  port: number;
  supergraphPath: string;
  /** SUBGRAPH_URL_<NAME> overrides the routing URL composed into the supergraph. */
  subgraphUrls: Record<string, string>;
  subgraphTimeoutMs: number;
  /** Keep-alive connections per subgraph; requests beyond it queue for a free one. */
  subgraphMaxSockets: number;
  auth0: Auth0Config;
  identityKeys: SigningKey[];
  introspection: boolean;
  logLevel: string;
}

export function normalizeDomain(raw: string): string {
  const domain = raw.trim().replace(/^https?:\/\//i, '').replace(/\/+$/, '').toLowerCase();
  if (!/^[a-z0-9.-]+(:\d+)?$/.test(domain)) throw new ConfigError('AUTH0_DOMAIN must be a host name like "tenant.eu.auth0.com"');
  return domain;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  const domain = normalizeDomain(required(env, 'AUTH0_DOMAIN'));
  const subgraphUrls: Record<string, string> = {};
  for (const name of Object.keys(env)) {
    const m = /^SUBGRAPH_URL_([A-Z0-9_]+)$/.exec(name);
    if (m) subgraphUrls[m[1].toLowerCase()] = url(env, name);
  }
  return {
    host: optional(env, 'HOST', '127.0.0.1'),
    port: integer(env, 'PORT', 4000, 0, 65535),
    supergraphPath: optional(env, 'SUPERGRAPH_PATH', schemaFile('supergraph.graphql')),
    subgraphUrls,
    // At least the payments subgraph's longest attempt (29 s with its defaults), so the gateway waits for it.
    subgraphTimeoutMs: integer(env, 'SUBGRAPH_TIMEOUT_MS', 30_000, 100, 120_000),
    subgraphMaxSockets: integer(env, 'SUBGRAPH_MAX_SOCKETS', 64, 1, 10_000),
    auth0: {
      domain,
      issuer: `https://${domain}/`,
      audience: required(env, 'AUTH0_AUDIENCE'),
      clientId: required(env, 'AUTH0_CLIENT_ID'),
      clientSecret: required(env, 'AUTH0_CLIENT_SECRET'),
      httpBaseUrl: env.AUTH0_HTTP_BASE_URL ? url(env, 'AUTH0_HTTP_BASE_URL') : undefined,
      requiredScope: env.AUTH0_REQUIRED_SCOPE?.trim() || undefined,
      timeoutMs: integer(env, 'AUTH0_TIMEOUT_MS', 2_000, 100, 30_000),
      profileTtlMs: integer(env, 'AUTH0_PROFILE_TTL_SEC', 300, 1, 86_400) * 1000,
      profileCacheSize: integer(env, 'AUTH0_PROFILE_CACHE_SIZE', 10_000, 10, 10_000_000),
      clockToleranceSec: integer(env, 'AUTH0_CLOCK_TOLERANCE_SEC', 5, 0, 60),
    },
    identityKeys: parseSigningKeys(required(env, 'IDENTITY_SIGNING_KEYS')),
    introspection: bool(env, 'GRAPHQL_INTROSPECTION', false),
    logLevel: optional(env, 'LOG_LEVEL', 'info'),
  };
}
void list;
