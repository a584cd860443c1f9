/**
 * ClientProfiles against a fake UserDirectory (our own interface, not the auth0 SDK): cache and
 * TTL, collapsed concurrent lookups, LRU bound, outages (stale profiles served, fresh callers
 * refused with IDENTITY_PROVIDER_UNAVAILABLE), 429 respected, timeouts, M2M subjects.
 */
import { AppError } from '../../../common/errors';
import { ClientProfiles, type UserDirectory } from './client-profiles';

type User = { user_id?: string; email?: string; name?: string } | null;

/** A directory whose behaviour each test sets; records every call with its AbortSignal. */
function fakeDirectory(answer: (id: string, signal: AbortSignal) => Promise<User> = async (id) => ({ user_id: id, email: `${id}@example.test`, name: id })) {
  const calls: Array<{ id: string; signal: AbortSignal }> = [];
  const directory: UserDirectory & { answer: typeof answer } = {
    answer,
    getUser(id, signal) {
      calls.push({ id, signal });
      return directory.answer(id, signal);
    },
  };
  return { directory, calls };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const OPTS = { ttlMs: 60_000, maxEntries: 100, timeoutMs: 1_000 };

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a rejection');
}

afterEach(() => jest.restoreAllMocks());

test('a cached profile within its TTL makes no second lookup', async () => {
  const { directory, calls } = fakeDirectory();
  const profiles = new ClientProfiles(directory, OPTS);
  const first = await profiles.profileOf('auth0|a');
  const second = await profiles.profileOf('auth0|a');
  expect(first).toEqual({ clientId: 'auth0|a', email: 'auth0|a@example.test', name: 'auth0|a' });
  expect(second).toEqual(first);
  expect(calls).toHaveLength(1);
  expect(profiles.stats).toMatchObject({ hits: 1, misses: 1, lookups: 1 });
});

test('after the TTL the profile is looked up again', async () => {
  const { directory, calls } = fakeDirectory();
  const profiles = new ClientProfiles(directory, { ...OPTS, ttlMs: 40 });
  await profiles.profileOf('auth0|a');
  await sleep(80);
  await profiles.profileOf('auth0|a');
  expect(calls).toHaveLength(2);
});

test('20 concurrent lookups of one user make one directory call, and all get the profile', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const { directory, calls } = fakeDirectory(async (id) => { await gate; return { user_id: id, email: 'one@example.test' }; });
  const profiles = new ClientProfiles(directory, OPTS);
  const all = Promise.all(Array.from({ length: 20 }, () => profiles.profileOf('auth0|same')));
  await sleep(10);
  release();
  const results = await all;
  expect(calls).toHaveLength(1);
  expect(results.every((p) => p.clientId === 'auth0|same' && p.email === 'one@example.test')).toBe(true);
  // Different users are not collapsed together.
  await Promise.all([profiles.profileOf('auth0|x'), profiles.profileOf('auth0|y')]);
  expect(calls.map((c) => c.id).sort()).toEqual(['auth0|same', 'auth0|x', 'auth0|y']);
});

test('a failed collapsed lookup rejects every waiter, and the next call tries again', async () => {
  const { directory, calls } = fakeDirectory(async () => { await sleep(5); throw new Error('boom'); });
  const profiles = new ClientProfiles(directory, OPTS);
  const results = await Promise.allSettled(Array.from({ length: 5 }, () => profiles.profileOf('auth0|f')));
  expect(results.every((r) => r.status === 'rejected')).toBe(true);
  expect(calls).toHaveLength(1);
  directory.answer = async (id) => ({ user_id: id, email: 'back@example.test' });
  await expect(profiles.profileOf('auth0|f')).resolves.toMatchObject({ email: 'back@example.test' });
  expect(calls).toHaveLength(2);
});

test('the LRU keeps at most maxEntries profiles, evicting the least recently used', async () => {
  const { directory, calls } = fakeDirectory();
  const profiles = new ClientProfiles(directory, { ...OPTS, maxEntries: 2 });
  await profiles.profileOf('auth0|a');
  await profiles.profileOf('auth0|b');
  await profiles.profileOf('auth0|a'); // a is now the most recent
  await profiles.profileOf('auth0|c'); // evicts b
  expect(calls.map((c) => c.id)).toEqual(['auth0|a', 'auth0|b', 'auth0|c']);
  await profiles.profileOf('auth0|a');
  await profiles.profileOf('auth0|c');
  expect(calls).toHaveLength(3);
  await profiles.profileOf('auth0|b');
  expect(calls.map((c) => c.id)).toEqual(['auth0|a', 'auth0|b', 'auth0|c', 'auth0|b']);
});

test('a directory that throws gives IDENTITY_PROVIDER_UNAVAILABLE (503, retryable) to a caller with no cached profile', async () => {
  const { directory } = fakeDirectory(async () => { throw Object.assign(new Error('Service Unavailable'), { statusCode: 503 }); });
  const profiles = new ClientProfiles(directory, OPTS);
  const err = await rejection(profiles.profileOf('auth0|new'));
  expect(err.code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
  expect(err.status).toBe(503);
  expect(err.details).toMatchObject({ retryable: true });
  expect(err.message).not.toMatch(/Service Unavailable/);
});

test('after the TTL, a failing directory still serves the stale profile', async () => {
  const { directory, calls } = fakeDirectory();
  const profiles = new ClientProfiles(directory, { ...OPTS, ttlMs: 40 });
  const before = await profiles.profileOf('auth0|s');
  await sleep(80);
  directory.answer = async () => { throw new Error('ECONNRESET'); };
  await expect(profiles.profileOf('auth0|s')).resolves.toEqual(before);
  expect(calls).toHaveLength(2); // it did try to refresh
  expect(profiles.stats.stale).toBe(1);
  // Another user, never seen, is refused meanwhile.
  expect((await rejection(profiles.profileOf('auth0|other'))).code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
});

test('a deleted user is not served stale: null from the directory is UNAUTHENTICATED even with a stale entry', async () => {
  const { directory } = fakeDirectory();
  const profiles = new ClientProfiles(directory, { ...OPTS, ttlMs: 40 });
  await profiles.profileOf('auth0|gone');
  await sleep(80);
  directory.answer = async () => null;
  const err = await rejection(profiles.profileOf('auth0|gone'));
  expect(err.code).toBe('UNAUTHENTICATED');
  expect(err.status).toBe(401);
});

test('a user the directory does not know (null) is UNAUTHENTICATED with invalid_token', async () => {
  const { directory } = fakeDirectory(async () => null);
  const profiles = new ClientProfiles(directory, OPTS);
  const err = await rejection(profiles.profileOf('auth0|ghost'));
  expect(err.code).toBe('UNAUTHENTICATED');
  expect(err.details).toMatchObject({ wwwAuthenticateError: 'invalid_token' });
});

test('429 with Retry-After: no directory call until it has passed, callers get its remaining seconds', async () => {
  let now = 1_700_000_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  const { directory, calls } = fakeDirectory(async () => {
    throw Object.assign(new Error('Too Many Requests'), { statusCode: 429, rawResponse: { headers: new Headers({ 'retry-after': '7' }) } });
  });
  const profiles = new ClientProfiles(directory, OPTS);
  const first = await rejection(profiles.profileOf('auth0|r1'));
  expect(first.code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
  expect(first.details.retryAfterSec).toBe(7);
  expect(calls).toHaveLength(1);

  directory.answer = async (id) => ({ user_id: id, email: 'ok@example.test' });
  now += 3_000;
  const during = await rejection(profiles.profileOf('auth0|r2')); // any user: the limit is the tenant's
  expect(during.code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
  expect(during.details.retryAfterSec).toBe(4);
  await rejection(profiles.profileOf('auth0|r1'));
  expect(calls).toHaveLength(1);

  now += 4_001;
  await expect(profiles.profileOf('auth0|r2')).resolves.toMatchObject({ email: 'ok@example.test' });
  expect(calls).toHaveLength(2);
});

test('429 without Retry-After still backs off (5 s default)', async () => {
  let now = 1_700_000_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
  const { directory, calls } = fakeDirectory(async () => { throw Object.assign(new Error('429'), { statusCode: 429 }); });
  const profiles = new ClientProfiles(directory, OPTS);
  expect((await rejection(profiles.profileOf('auth0|a'))).details.retryAfterSec).toBe(5);
  now += 4_000;
  await rejection(profiles.profileOf('auth0|a'));
  expect(calls).toHaveLength(1);
});

test('a directory that never answers is abandoned after timeoutMs through the AbortSignal', async () => {
  const { directory, calls } = fakeDirectory((_id, signal) => new Promise((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason));
  }));
  const profiles = new ClientProfiles(directory, { ...OPTS, timeoutMs: 150 });
  const t0 = Date.now();
  const err = await rejection(profiles.profileOf('auth0|slow'));
  const elapsed = Date.now() - t0;
  expect(err.code).toBe('IDENTITY_PROVIDER_UNAVAILABLE');
  expect(elapsed).toBeGreaterThanOrEqual(120);
  expect(elapsed).toBeLessThan(1_000);
  expect(calls[0].signal.aborted).toBe(true);
});

test('a directory that ignores the AbortSignal and never settles is still abandoned after timeoutMs', async () => {
  const { directory, calls } = fakeDirectory(() => new Promise<User>(() => { /* never settles, ignores the signal */ }));
  const profiles = new ClientProfiles(directory, { ...OPTS, timeoutMs: 150 });
  const t0 = Date.now();
  const err = await rejection(profiles.profileOf('auth0|stuck'));
  const elapsed = Date.now() - t0;
  expect({ code: err.code, status: err.status, retryable: err.details.retryable }).toEqual({ code: 'IDENTITY_PROVIDER_UNAVAILABLE', status: 503, retryable: true });
  expect(elapsed).toBeGreaterThanOrEqual(120);
  expect(elapsed).toBeLessThan(1_000);
  expect(calls[0].signal.aborted).toBe(true);
});

test('a stuck directory does not hold a caller with a stale cached profile either', async () => {
  const { directory } = fakeDirectory();
  const profiles = new ClientProfiles(directory, { ...OPTS, ttlMs: 40, timeoutMs: 150 });
  const cached = await profiles.profileOf('auth0|warm');
  await sleep(80);
  directory.answer = () => new Promise<User>(() => {});
  const t0 = Date.now();
  await expect(profiles.profileOf('auth0|warm')).resolves.toEqual(cached);
  expect(Date.now() - t0).toBeLessThan(1_000);
});

test('the deadline timer is cleared when the directory answers in time', async () => {
  const set = jest.spyOn(global, 'setTimeout');
  const cleared = jest.spyOn(global, 'clearTimeout');
  const { directory } = fakeDirectory();
  const profiles = new ClientProfiles(directory, { ...OPTS, timeoutMs: 54_321 });
  await profiles.profileOf('auth0|fast');
  const deadlines = set.mock.results.filter((_r, i) => set.mock.calls[i][1] === 54_321).map((r) => r.value);
  expect(deadlines).toHaveLength(1);
  expect(cleared.mock.calls.map((c) => c[0])).toContain(deadlines[0]);
});

test("machine-to-machine subjects ('@clients') make no lookup", async () => {
  const { directory, calls } = fakeDirectory();
  const profiles = new ClientProfiles(directory, OPTS);
  await expect(profiles.profileOf('jtm-gateway-m2m@clients')).resolves.toEqual({ clientId: 'jtm-gateway-m2m@clients' });
  expect(calls).toHaveLength(0);
});

test('onLookup reports hits and misses', async () => {
  const outcomes: string[] = [];
  const { directory } = fakeDirectory();
  const profiles = new ClientProfiles(directory, { ...OPTS, onLookup: (o) => outcomes.push(o) });
  await profiles.profileOf('auth0|m');
  await profiles.profileOf('auth0|m');
  expect(outcomes).toEqual(['miss', 'hit']);
});
