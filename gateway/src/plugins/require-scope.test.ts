/**
 * The scope plugin inside a real ApolloServer (a local schema, no network): the refusal is a
 * 403 FORBIDDEN with an insufficient_scope challenge, not Apollo's default 500 for errors thrown
 * in didResolveOperation, and the resolver never runs.
 */
import { ApolloServer } from '@apollo/server';
import { requireScopePlugin } from './require-scope';
import type { GatewayContext } from '../context';

const SCOPE = 'create:payment_intent';
const MUTATION = 'mutation { createPluginPaymentIntent }';

function server(resolved: string[]) {
  return new ApolloServer<GatewayContext>({
    typeDefs: 'type Query { ok: Boolean } type Mutation { createPluginPaymentIntent: String }',
    resolvers: { Mutation: { createPluginPaymentIntent: () => { resolved.push('called'); return 'secret'; } } },
    plugins: [requireScopePlugin(SCOPE)],
  });
}

async function run(scopes: string[], query = MUTATION) {
  const resolved: string[] = [];
  const apollo = server(resolved);
  await apollo.start();
  try {
    const contextValue = { identity: { clientId: 'auth0|abc', scopes }, identityAssertion: 'x', requestId: 'r' } as GatewayContext;
    const response = await apollo.executeOperation({ query }, { contextValue });
    if (response.body.kind !== 'single') throw new Error('expected a single result');
    return { http: response.http, result: response.body.singleResult, resolved };
  } finally {
    await apollo.stop();
  }
}

test('without the scope: 403 FORBIDDEN with an insufficient_scope challenge, and the resolver never runs', async () => {
  const { http, result, resolved } = await run(['read:things']);
  expect(http.status).toBe(403);
  expect(http.headers.get('www-authenticate')).toMatch(new RegExp(`^Bearer .*error="insufficient_scope".*scope="${SCOPE}"`));
  expect(result.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', kind: 'FORBIDDEN', requiredScope: SCOPE });
  // Apollo lifts `http` into the response head; the challenge internals stay out of the body.
  expect(result.errors?.[0].extensions).not.toHaveProperty('http');
  expect(result.errors?.[0].extensions).not.toHaveProperty('wwwAuthenticateError');
  expect(resolved).toEqual([]);
});

test('with the scope the mutation runs; a query never needs it', async () => {
  const ok = await run([SCOPE]);
  expect(ok.result.errors).toBeUndefined();
  expect(ok.resolved).toEqual(['called']);
  const query = await run([], '{ ok }');
  expect(query.result.errors).toBeUndefined();
  expect(query.http.status).toBeUndefined();
});
