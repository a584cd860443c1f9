/** What the numbers do and do not include; written into every report. */
import type { W1Mode } from './workloads';

export function NOTES(w1Mode: W1Mode): string[] {
  const direct = w1Mode === 'payments'
    ? '"direct" W1 = POST to the payments subgraph with a valid x-jtm-identity assertion signed by the load generator (same key as the stack gives the subgraphs) asking `myPluginPayments(first: 5) { id status amount { formatted } plugins { id } }`. It includes the subgraph\'s assertion check, GraphQL execution and the Cassandra read. It does NOT include: Auth0 token verification, the profile lookup, the gateway\'s query planning, and the second hop to the catalog for plugin names and prices (a direct caller gets only plugin ids). It is the limit, not an equivalent service.'
    : '"direct" W1 (interim) = POST to the plugins subgraph with a valid x-jtm-identity assertion; no token verification, no profile lookup, no query planning.';
  return [
    direct,
    '"direct" W2 = the same mutation sent to the payments subgraph with an assertion: the subgraph still prices the plugins through the catalog subgraph, writes the ledger to Cassandra (LWT idempotency claim + logged batches) and calls stripe-mock.',
    'Every W2/W3 request carries a unique idempotencyKey in its input (so each is a new payment and the key claim runs), sent in the body so both gateways pass it the same way.',
    'Our gateway ("gateway"): verifies the RS256 token with jose against the stand-in\'s JWKS (cached), looks the caller up in the Auth0 Management API (LRU cache, 5 min TTL, so a few lookups per user per run), signs one HS256 x-jtm-identity per request, strips client identity headers, masks errors, and serves the REST shim.',
    'Hive Gateway ("hive", @graphql-hive/gateway CLI, fork 1): verifies the same RS256 tokens with its useJWT plugin (jsonwebtoken + jwks-rsa, cached keys; issuer, audience, RS256 only) and signs the same HS256 assertion per request (bench/hive/identity-plugin.ts). It does NOT look up the Auth0 profile (no email in its assertion), has no REST shim (so no W3 for Hive), no request-id propagation and none of our error masking beyond its default masked errors.',
    'Tokens: one distinct RS256 token per user (200 users by default), rotated round-robin by the load generator, so neither gateway can cache a single verification.',
    'All processes share the same 2 cores: load generator, both gateways, both subgraphs, Cassandra (JVM), stripe-mock and the benchmark host (Auth0 stand-in, Stripe recording proxy). The CPU table shows who used what during each interval; "other" is load from processes outside this benchmark (the machine is shared), so compare configurations within one run, not across runs.',
    'Errors count non-2xx answers, socket errors, timeouts (10 s) and bodies that fail the check (every response: status and no GraphQL errors; every 50th response: full shape and data check).',
    'Latency is measured by the load generator from request write to full response, per request; percentiles are nearest-rank over every response of the interval, then the median over repeats.',
  ];
}
