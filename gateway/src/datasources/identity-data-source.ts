/**
 * Every subgraph fetch carries the gateway's own identity assertion, request id and the
 * client's idempotency key, and never an identity header a client sent. Requests without a
 * user (health checks, schema loading) go out without an assertion instead of failing here.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import { CLIENT_IDENTITY_HEADERS, IDENTITY_HEADER } from '../../../common/identity';
import { REQUEST_ID_HEADER } from '../../../common/http';
import type { GatewayContext } from '../context';

const normalize = (name: string) => name.toLowerCase().replaceAll('_', '-');
const FORBIDDEN = new Set(CLIENT_IDENTITY_HEADERS.map(normalize));

/** ok, errors (the subgraph answered with GraphQL errors) or failed (HTTP error, timeout, refused). */
export type FetchObserver = (outcome: 'ok' | 'errors' | 'failed', seconds: number) => void;

export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly observeFetch?: FetchObserver;

  constructor(config: ConstructorParameters<typeof RemoteGraphQLDataSource<GatewayContext>>[0] & { observeFetch?: FetchObserver; timeoutMs?: number }) {
    super(config);
    this.observeFetch = config?.observeFetch;
    const timeoutMs = config?.timeoutMs;
    if (timeoutMs) {
      // A subgraph that does not answer in time is abandoned (the socket is aborted), not waited for.
      const inner = this.fetcher;
      this.fetcher = (url, init) => {
        const deadline = AbortSignal.timeout(timeoutMs);
        return inner(url, { ...init, signal: (init?.signal ? AbortSignal.any([init.signal as AbortSignal, deadline]) : deadline) as never });
      };
    }
  }

  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const observe = this.observeFetch;
    if (!observe) return super.process(options);
    const started = performance.now();
    try {
      const response = await super.process(options);
      observe(response.errors?.length ? 'errors' : 'ok', (performance.now() - started) / 1000);
      return response;
    } catch (err) {
      observe('failed', (performance.now() - started) / 1000);
      throw err;
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    for (const [name] of [...headers]) if (FORBIDDEN.has(normalize(name))) headers.delete(name);
    if (!context || !('identityAssertion' in context) || !context.identityAssertion) return;
    headers.set(IDENTITY_HEADER, context.identityAssertion);
    headers.set(REQUEST_ID_HEADER, context.requestId);
    if (context.idempotencyKey) headers.set('idempotency-key', context.idempotencyKey);
  }
}
