import { AttemptTracker, maxAttemptMs } from './attempts';

test('the budget covers every try and the waits between them', () => {
  expect(maxAttemptMs({ timeoutMs: 3_000, maxNetworkRetries: 0 })).toBe(4_000);
  expect(maxAttemptMs({ timeoutMs: 10_000, maxNetworkRetries: 2 })).toBe(41_000);
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
