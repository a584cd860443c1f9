import { AttemptTracker, maxAttemptMs } from './attempts';

test('the budget covers every Stripe try, the waits between them, three ledger statements and clock skew', () => {
  expect(maxAttemptMs({ timeoutMs: 3_000, maxNetworkRetries: 0 }, 2_000)).toBe(3_000 + 6_000 + 2_000);
  expect(maxAttemptMs({ timeoutMs: 8_000, maxNetworkRetries: 1 }, 2_000)).toBe(16_000 + 5_000 + 6_000 + 2_000);
  // The defaults fit inside the gateway's default subgraph timeout (30 s), so a slow attempt is waited for.
  expect(maxAttemptMs({ timeoutMs: 8_000, maxNetworkRetries: 1 }, 2_000)).toBeLessThanOrEqual(30_000);
});

test('an attempt started elsewhere is busy until its budget is spent', () => {
  const attempts = new AttemptTracker(4_000);
  const started = new Date(1_000_000);
  expect(attempts.busyForMs('e1', started, 1_000_500)).toBe(3_500);
  expect(attempts.busyForMs('e1', started, 1_004_000)).toBe(0);
  expect(attempts.busyForMs('e1', started, 1_010_000)).toBe(0);
});

test('an attempt that ended in this process is not busy, even while young', () => {
  const attempts = new AttemptTracker(4_000);
  attempts.ended('e1');
  expect(attempts.busyForMs('e1', new Date(), Date.now())).toBe(0);
  expect(attempts.busyForMs('e2', new Date(), Date.now())).toBeGreaterThan(0);
});
