/**
 * Hive Gateway as the peer in the benchmark: the same supergraph, the same RS256 Auth0 tokens
 * verified against the same JWKS (issuer, audience, RS256 only), the same identity assertion to
 * the subgraphs. One process (fork 1). Configured only through the environment, like ours:
 * JWKS_URL, AUTH0_ISSUER, AUTH0_AUDIENCE, IDENTITY_SIGNING_KEYS, SUBGRAPH_URL_PAYMENTS,
 * SUBGRAPH_URL_PLUGINS, HIVE_LOG_LEVEL (default warn).
 */
import { createRemoteJwksSigningKeyProvider, defineConfig, extractFromHeader } from '@graphql-hive/gateway';
import { parseSigningKeys } from '../../common/identity';
import { useJtmIdentity } from './identity-plugin';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`hive gateway config: ${name} is required`);
  return value;
}

export const gatewayConfig = defineConfig({
  fork: 1,
  logging: (process.env.HIVE_LOG_LEVEL ?? 'warn') as 'warn',
  landingPage: false,
  graphiql: false,
  transportEntries: {
    payments: { location: env('SUBGRAPH_URL_PAYMENTS') },
    plugins: { location: env('SUBGRAPH_URL_PLUGINS') },
  },
  // Hive's own JWT plugin (useJWT); jwks-rsa caches keys (10 min) and rate-limits refetches.
  jwt: {
    signingKeyProviders: [createRemoteJwksSigningKeyProvider({ jwksUri: env('JWKS_URL'), cache: true, rateLimit: true })],
    tokenLookupLocations: [extractFromHeader({ name: 'authorization', prefix: 'Bearer' })],
    tokenVerification: { algorithms: ['RS256'], issuer: env('AUTH0_ISSUER'), audience: env('AUTH0_AUDIENCE'), clockTolerance: 5 },
    reject: { missingToken: true, invalidToken: true },
  },
  plugins: () => [useJtmIdentity(parseSigningKeys(env('IDENTITY_SIGNING_KEYS'))[0])],
});
