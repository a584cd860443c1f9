import { aggregate, ratios, resultsTable, targets, type Row } from './report';
import { renderChart } from './chart';
import type { IntervalResult } from './interval';

function interval(over: Partial<IntervalResult> & Pick<IntervalResult, 'workload' | 'config' | 'concurrency' | 'rps'>): IntervalResult {
  return {
    repeat: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    elapsedSec: 10,
    responses: over.rps * 10,
    latencyMs: { p50: 10, p95: 20, p99: 30, max: 40 },
    errors: 0,
    errorDetail: { non2xx: 0, socketErrors: 0, timeouts: 0, badBodies: 0, validated: 0 },
    cpuMs: { target: 1000, payments: 500, plugins: 500, cassandra: 2000, stripeMock: 0, benchHost: 100, loadgen: 300, idleGateways: 0, other: 50 },
    machineCores: 2,
    gatewayCpuMsPerReq: 1,
    subgraphCpuMsPerReq: 0.5,
    stackCpuMsPerReq: 2,
    gatewayRssMb: 150,
    gatewayHwmMb: 160,
    ...over,
  };
}

describe('bench report', () => {
  const intervals = [
    interval({ workload: 'W1', config: 'gateway', concurrency: 8, rps: 300, repeat: 1 }),
    interval({ workload: 'W1', config: 'gateway', concurrency: 8, rps: 100, repeat: 2, gatewayHwmMb: 320 }),
    interval({ workload: 'W1', config: 'gateway', concurrency: 8, rps: 200, repeat: 3 }),
    interval({ workload: 'W1', config: 'hive', concurrency: 8, rps: 150, latencyMs: { p50: 20, p95: 40, p99: 60, max: 90 }, gatewayCpuMsPerReq: 2 }),
    interval({ workload: 'W1', config: 'direct', concurrency: 8, rps: 1000, gatewayCpuMsPerReq: Number.NaN, gatewayRssMb: Number.NaN, gatewayHwmMb: Number.NaN }),
    interval({ workload: 'W2', config: 'gateway', concurrency: 8, rps: 100 }),
    interval({ workload: 'W3', config: 'gateway', concurrency: 8, rps: 95, errors: 2 }),
  ];
  const rows = aggregate(intervals);

  test('one row per workload, configuration and concurrency, with medians and summed errors', () => {
    expect(rows.map((r) => `${r.workload} ${r.config}`)).toEqual(['W1 direct', 'W1 gateway', 'W1 hive', 'W2 gateway', 'W3 gateway']);
    const ours = rows.find((r) => r.workload === 'W1' && r.config === 'gateway')!;
    expect(ours.rps).toBe(200);
    expect(ours.repeats).toBe(3);
    expect(ours.gatewayPeakRssMb).toBe(320);
    expect(ours.cores.target).toBeCloseTo(0.1);
    expect(rows.find((r) => r.config === 'direct')!.gatewayPeakRssMb).toBeNaN();
    expect(rows.find((r) => r.workload === 'W3')!.errors).toBe(2);
  });

  test('ratios: gateway/direct, this/Hive, REST/GraphQL', () => {
    const byName = Object.fromEntries(ratios(rows).map((r) => [r.name, r.value]));
    expect(byName['W1 gateway/direct requests/s']).toBeCloseTo(0.2);
    expect(byName['W1 this/Hive requests/s']).toBeCloseTo(200 / 150);
    expect(byName['W1 this/Hive p99']).toBeCloseTo(0.5);
    expect(byName['W1 this/Hive gateway CPU/req']).toBeCloseTo(0.5);
    expect(byName['W1 gateway CPU/req ÷ direct subgraph CPU/req']).toBeCloseTo(2);
    expect(byName['W3/W2 (REST/GraphQL) requests/s']).toBeCloseTo(0.95);
  });

  test('targets say met, not met or not measured, with the evidence', () => {
    const t = Object.fromEntries(targets(rows).map((x) => [x.target, x]));
    expect(t['W1: this gateway ≥ 1.2× Hive requests/s, with a lower p99'].met).toBe(true);
    expect(t['W3 within 10% of W2 (requests/s and p99)'].met).toBe(true);
    expect(t['Our gateway peak RSS under load < 300 MB'].met).toBe(false);
    expect(t['No errors at any level'].met).toBe(false);
    expect(t['No errors at any level'].evidence).toContain('W3 gateway c=8: 2');
  });

  test('the markdown table and the chart show every row and no NaN', () => {
    const table = resultsTable(rows);
    expect(table.split('\n')).toHaveLength(2 + rows.length);
    expect(table).not.toContain('NaN');
    expect(table).toContain('| W1 | direct | 8 | 1000 |');
    const svg = renderChart(rows as Row[], 'test');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toContain('NaN');
    expect((svg.match(/<rect /g) ?? []).length).toBeGreaterThan(rows.length);
  });
});
