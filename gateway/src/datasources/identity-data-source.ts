/**
 * Every subgraph fetch carries the gateway's own identity assertion, request id and the
 * client's idempotency key, and never an identity header a client sent. Requests without a
 * user (health checks, schema loading) go out without an assertion instead of failing here.
 */
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { CLIENT_IDENTITY_HEADERS, IDENTITY_HEADER } from '../../../common/identity';
import { REQUEST_ID_HEADER } from '../../../common/http';
import type { GatewayContext } from '../context';

const normalize = (name: string) => name.toLowerCase().replaceAll('_', '-');
const FORBIDDEN = new Set(CLIENT_IDENTITY_HEADERS.map(normalize));

export class IdentityDataSource extends RemoteGraphQLDataSource<GatewayContext> {
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
