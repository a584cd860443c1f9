import { knee, maxFinite, median, percentile, ratio, summarize } from './stats';

describe('bench stats', () => {
  test('nearest-rank percentiles of 1..100 are the values themselves', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 95)).toBe(95);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });

  test('summarize sorts numerically, not as strings', () => {
    const s = summarize([10, 9, 100, 2, 1]);
    expect(s).toEqual({ count: 5, p50: 9, p95: 100, p99: 100, max: 100 });
  });

  test('median ignores NaN and averages the middle pair', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 5])).toBe(5);
    expect(median([])).toBeNaN();
  });

  test('ratio is NaN when a side is missing or zero', () => {
    expect(ratio(300, 200)).toBe(1.5);
    expect(ratio(undefined, 2)).toBeNaN();
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 1)).toBeNaN();
  });

  test('maxFinite skips NaN', () => {
    expect(maxFinite([Number.NaN, 3, 7])).toBe(7);
    expect(maxFinite([Number.NaN])).toBeNaN();
  });

  test('the knee is the first concurrency whose p99 more than doubles the lowest level', () => {
    expect(knee([{ concurrency: 8, p99: 30 }, { concurrency: 1, p99: 10 }, { concurrency: 4, p99: 15 }, { concurrency: 16, p99: 80 }])).toBe(8);
    expect(knee([{ concurrency: 1, p99: 10 }, { concurrency: 2, p99: 12 }])).toBeUndefined();
    expect(knee([{ concurrency: 1, p99: 10 }])).toBeUndefined();
  });
});
