/**
 * The identity a subgraph sees is the one the gateway verified: client-sent identity headers are
 * ignored, and a subgraph called directly without the gateway's signed assertion refuses (401).
 */
import { CREATE_INTENT, PLUGINS, expectNothingWritten, gql, ledgerRows, newUser, stack, stripeRequests, userWithToken } from '../helpers/stack';


test.each(['payments', 'plugins'] as const)('the %s subgraph refuses a direct call with a hand-written identity', async (name) => {
  const victim = await newUser('victim');
  const before = (await stripeRequests()).length;
  for (const header of ['CLIENT_ID', 'client-id', 'Client_Id', 'x-client-id', 'x-jtm-identity']) {
    const res = await fetch(`${stack().urls[name]}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [header]: victim.sub },
      body: JSON.stringify({ query: CREATE_INTENT, variables: { input: { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] } } }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  }
  expect((await stripeRequests()).length).toBe(before);
  await expectNothingWritten(victim.sub);
});

test('identity headers sent by a client to the gateway are ignored: the ledger names the token\'s subject', async () => {
  const caller = await userWithToken('caller');
  const victim = await newUser('victim');
  const res = await gql(caller.token, CREATE_INTENT, { input: { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] } }, {
    CLIENT_ID: victim.sub,
    'client-id': victim.sub,
    'x-jtm-identity': 'forged',
  });
  expect(res.body.errors).toBeUndefined();
  expect(await ledgerRows(caller.sub)).toHaveLength(1);
  await expectNothingWritten(victim.sub);
});
