/** The gateway: composition root. Builds each client once and lists the per-request concerns. */
import { tracing } from './tracing'; // first: see tracing.ts
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { createLogger } from '../../common/log';
import { createMetrics } from '../../common/metrics';
import { loadOrExit } from '../../common/env';
import { auth0Fetch } from '../../common/auth0-fetch';
import { AppError } from '../../common/errors';
import { signIdentity } from '../../common/identity';
import { sendJson, sendProblem } from '../../common/http';
import { serveGraphQL } from '../../common/graphql-http';
import { startService, exitOnSignals, type RequestContext } from '../../common/service';
import { TokenVerifier } from './auth/token-verifier';
import { ClientProfiles, auth0UserDirectory } from './auth/client-profiles';
import { Authenticator, publicDetails, wwwAuthenticate } from './auth/authenticate';
import { IdentityDataSource } from './datasources/identity-data-source';
import { subgraphFetcher } from './datasources/subgraph-fetcher';
import { createErrorFormatter } from './plugins/error-masking';
import { requireScopePlugin } from './plugins/require-scope';
import { operationMetricsPlugin } from './plugins/operation-metrics';
import { fileSupergraph } from './supergraph/file-supergraph';
import { paymentIntentShim } from './rest/payment-intent-shim';
import type { GatewayContext } from './context';
import { loadConfig } from './config';

async function main() {
  process.env.APOLLO_TELEMETRY_DISABLED ??= 'true'; // no probes of cloud metadata hosts
  const config = loadOrExit(() => loadConfig());
  const log = createLogger('gateway', config.logLevel);
  const metrics = createMetrics('gateway');
  const profileLookups = metrics.counter('auth0_profile_cache_total', 'Auth0 profile cache lookups by outcome', ['outcome']);
  const operations = metrics.histogram('graphql_operation_duration_seconds', 'GraphQL operations by name, type and outcome (ok or error code)', ['operation', 'type', 'outcome']);
  const subgraphFetches = metrics.histogram('subgraph_fetch_duration_seconds', 'Fetches from the gateway to a subgraph, by subgraph and outcome', ['subgraph', 'outcome']);

  const fetchAuth0 = auth0Fetch(config.auth0.domain, config.auth0.httpBaseUrl);
  const authenticator = new Authenticator(
    new TokenVerifier({ issuer: config.auth0.issuer, audience: config.auth0.audience, clockToleranceSec: config.auth0.clockToleranceSec, fetch: fetchAuth0, timeoutMs: config.auth0.timeoutMs }),
    new ClientProfiles(
      auth0UserDirectory({ domain: config.auth0.domain, clientId: config.auth0.clientId, clientSecret: config.auth0.clientSecret, fetch: fetchAuth0, timeoutMs: config.auth0.timeoutMs }),
      { ttlMs: config.auth0.profileTtlMs, maxEntries: config.auth0.profileCacheSize, timeoutMs: config.auth0.timeoutMs, onLookup: (outcome) => profileLookups.inc({ outcome }) },
    ),
  );

  const fetchSubgraph = subgraphFetcher({ maxSocketsPerSubgraph: config.subgraphMaxSockets });
  let supergraphLoaded = false;
  const gateway = new ApolloGateway({
    supergraphSdl: fileSupergraph(config.supergraphPath, log),
    buildService: ({ name, url }) => new IdentityDataSource({
      url: config.subgraphUrls[name] ?? url,
      fetcher: fetchSubgraph,
      timeoutMs: config.subgraphTimeoutMs,
      observeFetch: (outcome, seconds) => subgraphFetches.observe({ subgraph: name, outcome }, seconds),
    }),
  });
  gateway.onSchemaLoadOrUpdate(() => { supergraphLoaded = true; });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: config.introspection,
    includeStacktraceInErrorResponses: false,
    formatError: createErrorFormatter(log),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      requireScopePlugin(config.auth0.requiredScope),
      operationMetricsPlugin((labels, seconds) => operations.observe(labels, seconds)),
    ],
  });
  await apollo.start();

  /** Authenticates once per request and signs the assertion every subgraph fetch will carry. */
  const identify = async (req: IncomingMessage, { requestId, annotate }: RequestContext): Promise<GatewayContext> => {
    const identity = await authenticator.authenticate(req.headers);
    annotate({ clientId: identity.clientId });
    const idempotencyKey = req.headers['idempotency-key'];
    return {
      identity,
      identityAssertion: await signIdentity(identity, config.identityKeys[0], requestId),
      requestId,
      idempotencyKey: typeof idempotencyKey === 'string' ? idempotencyKey : undefined,
    };
  };
  const problem = (res: ServerResponse, err: AppError, requestId: string) => {
    if (err.kind === 'INTERNAL') log.error('internal error', { requestId, err });
    sendProblem(res, { kind: err.kind, code: err.code, message: err.message, details: publicDetails(err), requestId }, authHeaders(err));
  };

  const service = await startService({
    name: 'gateway',
    host: config.host,
    port: config.port,
    log,
    metrics,
    routes: {
      '/graphql': async (req, res, ctx) => {
        const { requestId } = ctx;
        let context: GatewayContext;
        try {
          context = await identify(req, ctx);
        } catch (err) {
          req.resume();
          const e = err instanceof AppError ? err : new AppError('INTERNAL', 'Internal error.');
          if (e.kind === 'INTERNAL') log.error('authentication failed unexpectedly', { requestId, err });
          return sendJson(res, e.status, { errors: [{ message: e.message, extensions: { code: e.code, kind: e.kind, ...publicDetails(e) } }] }, authHeaders(e));
        }
        await serveGraphQL(apollo, req, res, async () => context);
      },
      '/payment/intent/plugin': paymentIntentShim(apollo, identify, problem),
    },
    readiness: async () => supergraphLoaded,
    close: async () => {
      try {
        await apollo.stop();
      } finally {
        await tracing?.shutdown();
      }
    },
  });
  exitOnSignals(service);
}

function authHeaders(err: AppError): Record<string, string> {
  const headers = wwwAuthenticate(err);
  if (typeof err.details.retryAfterSec === 'number') headers['retry-after'] = String(err.details.retryAfterSec);
  return headers;
}

main().catch((err) => {
  process.stderr.write(`gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
