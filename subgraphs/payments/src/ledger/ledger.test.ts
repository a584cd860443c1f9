// Entry ids must never collide, even for requests in the same millisecond (issue 4).
import { dateOfTimeuuid, newEntryId } from './ledger';

test('50,000 ids made in a tight loop are all distinct, including many within one millisecond', () => {
  const ids = Array.from({ length: 50_000 }, () => newEntryId());
  expect(new Set(ids).size).toBe(ids.length);
  const perMs = new Map<number, number>();
  for (const id of ids) perMs.set(dateOfTimeuuid(id).getTime(), (perMs.get(dateOfTimeuuid(id).getTime()) ?? 0) + 1);
  // Otherwise the loop proved nothing about same-millisecond ids.
  expect(Math.max(...perMs.values())).toBeGreaterThan(1);
  expect(perMs.size).toBeLessThan(ids.length);
});

test('an id carries its creation time', () => {
  const before = Date.now();
  const at = dateOfTimeuuid(newEntryId()).getTime();
  expect(at).toBeGreaterThanOrEqual(before);
  expect(at).toBeLessThanOrEqual(Date.now());
});
