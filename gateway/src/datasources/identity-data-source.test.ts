/**
 * IdentityDataSource through its process() hook with a recording fetcher (no network): client
 * identity headers go whatever their spelling, the gateway's own assertion goes out, and fetches
 * without a user (health checks, schema loading) neither throw nor carry an assertion.
 */
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
// The enum is declared but not re-exported at runtime by @apollo/gateway's index.
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { Headers, Response } from 'node-fetch';
import { IdentityDataSource } from './identity-data-source';
import { IDENTITY_HEADER } from '../../../common/identity';
import { REQUEST_ID_HEADER } from '../../../common/http';
import type { GatewayContext } from '../context';

const SPELLINGS = ['CLIENT_ID', 'Client_Id', 'client-id', 'X-Client-Id', 'x-jtm-identity', 'X-JTM-IDENTITY'];

/** A data source whose fetcher records the headers of each request and answers an empty result. */
function recordingSource() {
  const sent: Array<Record<string, string>> = [];
  const source = new IdentityDataSource({
    url: 'http://payments.invalid/graphql',
    fetcher: (async (_url: string, init?: { headers?: Record<string, string> }) => {
      sent.push({ ...(init?.headers ?? {}) });
      return new Response(JSON.stringify({ data: { __typename: 'Query' } }), { headers: { 'content-type': 'application/json' } });
    }) as never,
  });
  return { source, sent };
}

/** A subgraph request that arrives with one forged header per spelling (the spellings collide in a Headers, so one at a time). */
function requestWith(header?: string) {
  const headers = new Headers();
  if (header) headers.set(header, 'auth0|victim');
  return { query: '{ __typename }', http: { method: 'POST', url: 'http://payments.invalid/graphql', headers } };
}

const context: GatewayContext = {
  identity: { clientId: 'auth0|caller', scopes: [] },
  identityAssertion: 'gateway-signed-assertion',
  requestId: 'req-123',
  idempotencyKey: 'key-1',
};

function operation(request: ReturnType<typeof requestWith>, ctx: GatewayContext): GraphQLDataSourceProcessOptions<GatewayContext> {
  return { kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION, request, context: ctx, incomingRequestContext: { request, context: ctx } as never } as never;
}

describe.each(SPELLINGS)('a client-sent %s header', (header) => {
  test('is removed, and the gateway\'s own assertion, request id and idempotency key are set', async () => {
    const { source, sent } = recordingSource();
    await source.process(operation(requestWith(header), context));
    expect(sent).toHaveLength(1);
    const names = Object.keys(sent[0]).map((n) => n.toLowerCase().replaceAll('_', '-'));
    expect(names.filter((n) => ['client-id', 'x-client-id'].includes(n))).toEqual([]);
    expect(Object.values(sent[0])).not.toContain('auth0|victim');
    expect(sent[0][IDENTITY_HEADER]).toBe('gateway-signed-assertion');
    expect(sent[0][REQUEST_ID_HEADER]).toBe('req-123');
    expect(sent[0]['idempotency-key']).toBe('key-1');
  });

  test.each([
    ['undefined', undefined],
    ['empty', {}],
  ])('is removed from a fetch with %s context (health check, schema loading), which sends no assertion', async (_name, ctx) => {
    const { source, sent } = recordingSource();
    for (const kind of [GraphQLDataSourceRequestKind.HEALTH_CHECK, GraphQLDataSourceRequestKind.LOADING_SCHEMA]) {
      await expect(source.process({ kind, request: requestWith(header), context: ctx } as never)).resolves.toMatchObject({ data: { __typename: 'Query' } });
    }
    expect(sent).toHaveLength(2);
    for (const headers of sent) {
      expect(Object.values(headers)).not.toContain('auth0|victim');
      expect(headers).not.toHaveProperty(IDENTITY_HEADER);
    }
  });
});

test('willSendRequest on a request without http headers, and without context, does nothing and does not throw', () => {
  const { source } = recordingSource();
  expect(() => source.willSendRequest({ kind: GraphQLDataSourceRequestKind.HEALTH_CHECK, request: { query: '{ __typename }' }, context: undefined } as never)).not.toThrow();
});
