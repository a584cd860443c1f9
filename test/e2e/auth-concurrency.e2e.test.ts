/**
 * Identity never leaks between concurrent requests: 200 real payments at once through the REST
 * shim, alternating two users, with part of the Stripe calls slowed so answers interleave. Every
 * ledger entry and every Stripe intent creation names the client whose token created it.
 */
import {
  PLUGINS, ledgerRows, rest, setStripeFault, stripeRequests, userWithToken,
} from '../helpers/stack';

afterAll(async () => {
  await setStripeFault(null);
});

const valid = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };
const N = 200;

test(`${N} concurrent payments alternating two users: zero identity mix-ups in the ledger and at Stripe`, async () => {
  const alice = await userWithToken('alice');
  const bob = await userWithToken('bob');
  const users = [alice, bob];
  // Warm both profiles so the burst measures propagation, not Auth0 lookups.
  for (const u of users) expect((await rest(u.token, { ...valid, plugins: ['x'] })).status).toBe(400);

  // Slow every third-ish Stripe call of the burst: answers come back out of order.
  await setStripeFault({ mode: 'delay', delayMs: 300, count: 60 });
  const t0 = Date.now();
  const responses = await Promise.all(Array.from({ length: N }, async (_x, i) => {
    const user = users[i % 2];
    const res = await rest(user.token, valid, { accept: 'application/json' });
    return { user, status: res.status, text: res.text, body: res.status === 200 ? res.json() : null };
  }));
  const ms = Date.now() - t0;
  await setStripeFault(null);
  process.stdout.write(`\n[auth e2e] ${N} concurrent REST payments in ${ms} ms\n`);

  expect(responses.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.text.slice(0, 200)}`)).toEqual([]);

  const ledger = new Map<string, string>(); // entry id -> client id
  for (const u of users) {
    const rows = await ledgerRows(u.sub);
    expect(rows).toHaveLength(N / 2);
    for (const row of rows) {
      expect(row.clientId).toBe(u.sub);
      ledger.set(row.entryId, row.clientId);
    }
  }
  // Each response's entry was written for the token that asked for it.
  for (const r of responses) expect(ledger.get(String(r.body?.ledgerEntryId))).toBe(r.user.sub);

  // Stripe saw each entry once, under the same client.
  const creations = (await stripeRequests()).filter((q) => q.method === 'POST' && q.path === '/v1/payment_intents' && ledger.has(q.params['metadata[jtm_entry_id]']));
  const byEntry = new Map<string, string[]>();
  for (const c of creations) {
    const entry = c.params['metadata[jtm_entry_id]'];
    byEntry.set(entry, [...(byEntry.get(entry) ?? []), c.params['metadata[client_id]']]);
  }
  expect(byEntry.size).toBe(N);
  const mixUps = [...byEntry].filter(([entry, clients]) => clients.some((c) => c !== ledger.get(entry)));
  expect(mixUps).toEqual([]);
}, 90_000);
