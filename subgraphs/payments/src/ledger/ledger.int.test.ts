/**
 * The idempotency claim against the real Cassandra, raced the way replicas race it: concurrent
 * claims of one (client, key) from two driver sessions (two "processes"), each with its own
 * entry id. The lightweight transaction must pick exactly one winner that every loser sees.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'cassandra-driver';
import { cassandra, stack } from '../../../../test/helpers/stack';
import { Ledger, newEntryId, type KeyClaim } from './ledger';

const ks = () => stack().env.payments.CASSANDRA_KEYSPACE;
let other: Client;
let replicas: Ledger[];

beforeAll(async () => {
  other = new Client({ contactPoints: [stack().urls.cassandra], localDataCenter: 'datacenter1' });
  await other.connect();
  replicas = [new Ledger(cassandra(), ks()), new Ledger(other, ks())];
});
afterAll(() => other.shutdown());

const newClient = () => `auth0|race-${randomBytes(6).toString('hex')}`;
const newKey = () => `race-${randomBytes(8).toString('hex')}`;

async function storedClaim(clientId: string, key: string) {
  const rows = await cassandra().execute(`SELECT entry_id, request_hash FROM ${ks()}.idempotency_keys WHERE client_id = ? AND idempotency_key = ?`, [clientId, key], { prepare: true });
  return rows.rows.map((r) => ({ entryId: String(r.entry_id), requestHash: r.request_hash as string }));
}

async function race(clientId: string, key: string, hashes: string[]): Promise<Array<{ entryId: string; hash: string; claim: KeyClaim }>> {
  const attempts = hashes.map((hash) => ({ entryId: newEntryId(), hash }));
  const claims = await Promise.all(attempts.map((a, i) => replicas[i % 2].claimKey(clientId, key, a.entryId, a.hash)));
  return attempts.map((a, i) => ({ ...a, claim: claims[i] }));
}

test('20 concurrent claims of one key: exactly one winner, every loser sees the winner\'s entry', async () => {
  const clientId = newClient();
  const key = newKey();
  const results = await race(clientId, key, Array(20).fill('hash-a'));
  const winners = results.filter((r) => r.claim.claimed);
  expect(winners).toHaveLength(1);
  const winner = winners[0];
  for (const loser of results.filter((r) => r !== winner)) expect(loser.claim).toEqual({ claimed: false, entryId: winner.entryId, requestHash: 'hash-a' });
  expect(await storedClaim(clientId, key)).toEqual([{ entryId: winner.entryId, requestHash: 'hash-a' }]);
});

test('racing claims with two different requests: one wins, the others learn its hash (a conflict for the other request)', async () => {
  const clientId = newClient();
  const key = newKey();
  const results = await race(clientId, key, Array.from({ length: 20 }, (_, i) => (i % 2 ? 'hash-b' : 'hash-a')));
  const [winner, ...more] = results.filter((r) => r.claim.claimed);
  expect(more).toEqual([]);
  const losers = results.filter((r) => r !== winner);
  for (const loser of losers) expect(loser.claim).toEqual({ claimed: false, entryId: winner.entryId, requestHash: winner.hash });
  // The requests with the other hash are the ones create-intent answers IDEMPOTENCY_KEY_REUSED.
  expect(losers.filter((l) => !l.claim.claimed && l.claim.requestHash !== l.hash)).toHaveLength(10);
  expect(await storedClaim(clientId, key)).toEqual([{ entryId: winner.entryId, requestHash: winner.hash }]);
});

test('a later claim with a different request never replaces the first', async () => {
  const clientId = newClient();
  const key = newKey();
  const first = newEntryId();
  expect(await replicas[0].claimKey(clientId, key, first, 'hash-a')).toEqual({ claimed: true });
  expect(await replicas[1].claimKey(clientId, key, newEntryId(), 'hash-b')).toEqual({ claimed: false, entryId: first, requestHash: 'hash-a' });
  expect(await storedClaim(clientId, key)).toEqual([{ entryId: first, requestHash: 'hash-a' }]);
});

test('keys are scoped per client: another client racing the same key wins its own claim', async () => {
  const key = newKey();
  const [alice, bob] = [newClient(), newClient()];
  const [a, b] = await Promise.all([race(alice, key, Array(10).fill('hash-a')), race(bob, key, Array(10).fill('hash-a'))]);
  const aliceWinner = a.find((r) => r.claim.claimed)!;
  const bobWinner = b.find((r) => r.claim.claimed)!;
  expect(a.filter((r) => r.claim.claimed)).toHaveLength(1);
  expect(b.filter((r) => r.claim.claimed)).toHaveLength(1);
  expect(await storedClaim(alice, key)).toEqual([{ entryId: aliceWinner.entryId, requestHash: 'hash-a' }]);
  expect(await storedClaim(bob, key)).toEqual([{ entryId: bobWinner.entryId, requestHash: 'hash-a' }]);
  expect(b.every((r) => r.claim.claimed || r.claim.entryId === bobWinner.entryId)).toBe(true);
});
