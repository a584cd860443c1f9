/**
 * One measured interval: load from the generator against one configuration, with the CPU time of
 * every process of the stack read before and after, and the gateways' RSS sampled meanwhile.
 */
import { cpuMs, machineCpuMs, memoryMb, sampleRss } from './proc';
import type { LoadGenerator } from './load';
import type { RunResult } from './load-worker';
import type { TargetKind, WorkloadId } from './workloads';

/** Processes whose CPU is accounted; `target` is the gateway under test (none for direct calls). */
export type Role = 'target' | 'payments' | 'plugins' | 'cassandra' | 'stripeMock' | 'benchHost' | 'loadgen' | 'idleGateways';
export const STACK_ROLES: Role[] = ['target', 'payments', 'plugins', 'cassandra', 'stripeMock', 'benchHost'];

export interface Cell {
  workload: WorkloadId;
  config: string;
  kind: TargetKind;
  url: string;
}

export interface IntervalResult {
  workload: WorkloadId;
  config: string;
  concurrency: number;
  repeat: number;
  startedAt: string;
  elapsedSec: number;
  responses: number;
  rps: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  errors: number;
  errorDetail: { non2xx: number; socketErrors: number; timeouts: number; badBodies: number; validated: number; firstProblem?: string };
  /** CPU milliseconds per process role during the interval; `other` = the rest of the machine (noise). */
  cpuMs: Record<Role | 'other', number>;
  machineCores: number;
  /** Gateway process CPU per answered request (NaN for direct calls). */
  gatewayCpuMsPerReq: number;
  /** Subgraph processes (payments + plugins) CPU per request. */
  subgraphCpuMsPerReq: number;
  /** Everything serving the request (gateway, subgraphs, Cassandra, stripe-mock, Auth0 stand-in host) per request. */
  stackCpuMsPerReq: number;
  /** Highest RSS of the gateway under test sampled during the interval, and its VmHWM after it. */
  gatewayRssMb: number;
  gatewayHwmMb: number;
}

export interface Pids {
  target?: number;
  payments: number;
  plugins: number;
  cassandra: number;
  stripeMock: number;
  benchHost: number;
  loadgen: number;
  idleGateways: number[];
}

function snapshot(pids: Pids): Record<Role, number> {
  const sum = (list: number[]) => list.reduce((s, pid) => s + (cpuMs(pid) || 0), 0);
  return {
    target: pids.target === undefined ? 0 : cpuMs(pids.target),
    payments: cpuMs(pids.payments),
    plugins: cpuMs(pids.plugins),
    cassandra: cpuMs(pids.cassandra),
    stripeMock: Number.isFinite(pids.stripeMock) ? cpuMs(pids.stripeMock) : 0,
    benchHost: cpuMs(pids.benchHost),
    loadgen: cpuMs(pids.loadgen),
    idleGateways: sum(pids.idleGateways),
  };
}

export async function measure(load: LoadGenerator, cell: Cell, pids: Pids, opts: { concurrency: number; durationSec: number; repeat: number; validateEvery: number }): Promise<IntervalResult> {
  const rss = sampleRss(pids.target === undefined ? [] : [pids.target]);
  const before = snapshot(pids);
  const machineBefore = machineCpuMs();
  const startedAt = new Date().toISOString();
  const run: RunResult = await load.run({ workload: cell.workload, kind: cell.kind, url: cell.url, connections: opts.concurrency, durationSec: opts.durationSec, validateEvery: opts.validateEvery });
  const after = snapshot(pids);
  const machineAfter = machineCpuMs();
  const peaks = rss.stop();

  const cpu = {} as Record<Role | 'other', number>;
  let known = 0;
  for (const role of Object.keys(before) as Role[]) {
    cpu[role] = after[role] - before[role];
    known += cpu[role] || 0;
  }
  cpu.other = Math.max(0, machineAfter.busy - machineBefore.busy - known);
  const perReq = (ms: number) => (run.responses > 0 ? ms / run.responses : Number.NaN);
  const stackMs = STACK_ROLES.reduce((s, role) => s + (cpu[role] || 0), 0);
  return {
    workload: cell.workload,
    config: cell.config,
    concurrency: opts.concurrency,
    repeat: opts.repeat,
    startedAt,
    elapsedSec: run.elapsedSec,
    responses: run.responses,
    rps: run.rps,
    latencyMs: { p50: run.latencyMs.p50, p95: run.latencyMs.p95, p99: run.latencyMs.p99, max: run.latencyMs.max },
    errors: run.non2xx + run.socketErrors + run.timeouts + run.badBodies,
    errorDetail: { non2xx: run.non2xx, socketErrors: run.socketErrors, timeouts: run.timeouts, badBodies: run.badBodies, validated: run.validated, firstProblem: run.firstProblem },
    cpuMs: cpu,
    machineCores: (machineAfter.total - machineBefore.total) / (run.elapsedSec * 1000),
    gatewayCpuMsPerReq: pids.target === undefined ? Number.NaN : perReq(cpu.target),
    subgraphCpuMsPerReq: perReq(cpu.payments + cpu.plugins),
    stackCpuMsPerReq: perReq(stackMs),
    gatewayRssMb: pids.target === undefined ? Number.NaN : peaks[pids.target] ?? Number.NaN,
    gatewayHwmMb: pids.target === undefined ? Number.NaN : memoryMb(pids.target).peak,
  };
}
