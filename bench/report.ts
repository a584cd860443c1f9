/**
 * From measured intervals to the report: medians over repeats per (workload, configuration,
 * concurrency), the ratios the issue asks for, the targets, and the markdown table. Pure: no I/O.
 */
import { knee, maxFinite, median, ratio } from './stats';
import type { IntervalResult, Role } from './interval';
import type { WorkloadId } from './workloads';

export interface Row {
  workload: WorkloadId;
  config: string;
  concurrency: number;
  repeats: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  gatewayCpuMsPerReq: number;
  subgraphCpuMsPerReq: number;
  stackCpuMsPerReq: number;
  gatewayPeakRssMb: number;
  /** Median CPU cores used per role during the intervals (1.0 = one full core). */
  cores: Record<Role | 'other', number>;
}

export interface RatioLine { name: string; concurrency: number; value: number; detail: string }
export interface TargetLine { target: string; met: boolean | undefined; evidence: string }

export interface BenchReport {
  meta: {
    startedAt: string;
    finishedAt: string;
    command: string;
    machine: Record<string, string | number>;
    settings: Record<string, string | number | boolean | number[] | string[]>;
    versions: Record<string, string>;
    /** Requests the Auth0 stand-in served during the whole run (JWKS fetches, Management API lookups). */
    auth0Standin: Record<string, number>;
    notes: string[];
  };
  correctness: string[];
  rows: Row[];
  ratios: RatioLine[];
  targets: TargetLine[];
  intervals: IntervalResult[];
}

const WORKLOAD_ORDER: WorkloadId[] = ['W1', 'W2', 'W3'];
const configRank = (c: string) => (c === 'direct' ? 0 : c === 'gateway' ? 1 : c === 'hive' ? 2 : 3);

export function aggregate(intervals: IntervalResult[]): Row[] {
  const groups = new Map<string, IntervalResult[]>();
  for (const r of intervals) {
    const k = `${r.workload}|${r.config}|${r.concurrency}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const rows: Row[] = [];
  for (const list of groups.values()) {
    const { workload, config, concurrency } = list[0];
    const roles = Object.keys(list[0].cpuMs) as Array<Role | 'other'>;
    const cores = {} as Row['cores'];
    for (const role of roles) cores[role] = median(list.map((r) => r.cpuMs[role] / (r.elapsedSec * 1000)));
    rows.push({
      workload,
      config,
      concurrency,
      repeats: list.length,
      rps: median(list.map((r) => r.rps)),
      p50: median(list.map((r) => r.latencyMs.p50)),
      p95: median(list.map((r) => r.latencyMs.p95)),
      p99: median(list.map((r) => r.latencyMs.p99)),
      errors: list.reduce((s, r) => s + r.errors, 0),
      gatewayCpuMsPerReq: median(list.map((r) => r.gatewayCpuMsPerReq)),
      subgraphCpuMsPerReq: median(list.map((r) => r.subgraphCpuMsPerReq)),
      stackCpuMsPerReq: median(list.map((r) => r.stackCpuMsPerReq)),
      gatewayPeakRssMb: maxFinite(list.flatMap((r) => [r.gatewayRssMb, r.gatewayHwmMb])),
      cores,
    });
  }
  return rows.sort((a, b) => WORKLOAD_ORDER.indexOf(a.workload) - WORKLOAD_ORDER.indexOf(b.workload) || a.concurrency - b.concurrency || configRank(a.config) - configRank(b.config) || a.config.localeCompare(b.config));
}

const find = (rows: Row[], workload: WorkloadId, config: string, concurrency: number) => rows.find((r) => r.workload === workload && r.config === config && r.concurrency === concurrency);

export function ratios(rows: Row[]): RatioLine[] {
  const out: RatioLine[] = [];
  const levels = [...new Set(rows.map((r) => r.concurrency))].sort((a, b) => a - b);
  const variants = [...new Set(rows.map((r) => r.config))].filter((c) => !['direct', 'gateway', 'hive'].includes(c));
  for (const c of levels) {
    const w1Direct = find(rows, 'W1', 'direct', c);
    const w1Ours = find(rows, 'W1', 'gateway', c);
    const w1Hive = find(rows, 'W1', 'hive', c);
    const add = (name: string, value: number, detail: string) => { if (Number.isFinite(value)) out.push({ name, concurrency: c, value, detail }); };
    add('W1 gateway/direct requests/s', ratio(w1Ours?.rps, w1Direct?.rps), 'share of the direct subgraph call\'s throughput our gateway keeps');
    add('W1 gateway/direct p99', ratio(w1Ours?.p99, w1Direct?.p99), 'p99 through our gateway over p99 of the direct call');
    add('W1 gateway CPU/req ÷ direct subgraph CPU/req', ratio(w1Ours?.gatewayCpuMsPerReq, w1Direct?.subgraphCpuMsPerReq), 'gateway process CPU per request over the subgraphs\' CPU per request when called directly');
    add('W1 stack CPU/req gateway ÷ direct', ratio(w1Ours?.stackCpuMsPerReq, w1Direct?.stackCpuMsPerReq), 'all serving processes\' CPU per request, through our gateway over direct');
    add('W1 this/Hive requests/s', ratio(w1Ours?.rps, w1Hive?.rps), 'target ≥ 1.2');
    add('W1 this/Hive p99', ratio(w1Ours?.p99, w1Hive?.p99), 'target < 1');
    add('W1 this/Hive gateway CPU/req', ratio(w1Ours?.gatewayCpuMsPerReq, w1Hive?.gatewayCpuMsPerReq), 'below 1 = our gateway spends less CPU per request');
    const w2Ours = find(rows, 'W2', 'gateway', c);
    const w2Hive = find(rows, 'W2', 'hive', c);
    const w3Ours = find(rows, 'W3', 'gateway', c);
    add('W2 this/Hive requests/s', ratio(w2Ours?.rps, w2Hive?.rps), 'payment mutation, our gateway over Hive');
    add('W2 gateway/direct requests/s', ratio(w2Ours?.rps, find(rows, 'W2', 'direct', c)?.rps), 'payment mutation through our gateway over the payments subgraph called directly');
    add('W3/W2 (REST/GraphQL) requests/s', ratio(w3Ours?.rps, w2Ours?.rps), 'target within 10% (≥ 0.90)');
    add('W3/W2 (REST/GraphQL) p99', ratio(w3Ours?.p99, w2Ours?.p99), 'target ≤ 1.10');
    for (const v of variants) {
      for (const w of WORKLOAD_ORDER) {
        const base = find(rows, w, 'gateway', c);
        const other = find(rows, w, v, c);
        add(`${w} ${v}/gateway requests/s`, ratio(other?.rps, base?.rps), `variant ${v} over the gateway as built`);
        add(`${w} ${v}/gateway p99`, ratio(other?.p99, base?.p99), `variant ${v} over the gateway as built`);
        add(`${w} ${v}/gateway CPU/req`, ratio(other?.gatewayCpuMsPerReq, base?.gatewayCpuMsPerReq), `variant ${v} over the gateway as built`);
      }
    }
  }
  return out;
}

export function targets(rows: Row[]): TargetLine[] {
  const levels = [...new Set(rows.map((r) => r.concurrency))].sort((a, b) => a - b);
  const lines: TargetLine[] = [];
  const perLevel = (label: string, check: (c: number) => { met: boolean; text: string } | undefined) => {
    const results = levels.map((c) => ({ c, r: check(c) })).filter((x) => x.r);
    if (results.length === 0) return lines.push({ target: label, met: undefined, evidence: 'not measured in this run' });
    lines.push({ target: label, met: results.every((x) => x.r!.met), evidence: results.map((x) => `c=${x.c}: ${x.r!.text}`).join('; ') });
  };
  perLevel('W1: this gateway ≥ 1.2× Hive requests/s, with a lower p99', (c) => {
    const ours = find(rows, 'W1', 'gateway', c);
    const hive = find(rows, 'W1', 'hive', c);
    if (!ours || !hive) return undefined;
    const r = ours.rps / hive.rps;
    return { met: r >= 1.2 && ours.p99 < hive.p99, text: `${fmt(r, 2)}×, p99 ${fmt(ours.p99, 1)} vs ${fmt(hive.p99, 1)} ms` };
  });
  perLevel('W3 within 10% of W2 (requests/s and p99)', (c) => {
    const w2 = find(rows, 'W2', 'gateway', c);
    const w3 = find(rows, 'W3', 'gateway', c);
    if (!w2 || !w3) return undefined;
    const r = w3.rps / w2.rps;
    const p = w3.p99 / w2.p99;
    return { met: r >= 0.9 && p <= 1.1, text: `rps ${fmt(r, 2)}×, p99 ${fmt(p, 2)}×` };
  });
  const peak = maxFinite(rows.filter((r) => r.config === 'gateway').map((r) => r.gatewayPeakRssMb));
  lines.push({ target: 'Our gateway peak RSS under load < 300 MB', met: Number.isFinite(peak) ? peak < 300 : undefined, evidence: `${fmt(peak, 0)} MB (max of sampled RSS and VmHWM)` });
  const hivePeak = maxFinite(rows.filter((r) => r.config === 'hive').map((r) => r.gatewayPeakRssMb));
  if (Number.isFinite(hivePeak)) lines.push({ target: '(for reference) Hive Gateway peak RSS', met: undefined, evidence: `${fmt(hivePeak, 0)} MB` });
  const failing = rows.filter((r) => r.errors > 0);
  lines.push({ target: 'No errors at any level', met: failing.length === 0, evidence: failing.length ? failing.map((r) => `${r.workload} ${r.config} c=${r.concurrency}: ${r.errors}`).join('; ') : `0 errors in ${rows.length} cells` });
  return lines;
}

export function fmt(value: number | undefined, digits: number): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

function table(header: string[], body: string[][]): string {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export function resultsTable(rows: Row[]): string {
  return table(
    ['workload', 'config', 'conc.', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'gateway CPU ms/req', 'subgraphs CPU ms/req', 'stack CPU ms/req', 'gateway peak RSS MB'],
    rows.map((r) => [r.workload, r.config, String(r.concurrency), fmt(r.rps, 0), fmt(r.p50, 1), fmt(r.p95, 1), fmt(r.p99, 1), String(r.errors), fmt(r.gatewayCpuMsPerReq, 3), fmt(r.subgraphCpuMsPerReq, 3), fmt(r.stackCpuMsPerReq, 3), fmt(r.gatewayPeakRssMb, 0)]),
  );
}

export function coresTable(rows: Row[]): string {
  const roles: Array<Role | 'other'> = ['target', 'payments', 'plugins', 'cassandra', 'stripeMock', 'benchHost', 'loadgen', 'idleGateways', 'other'];
  return table(
    ['workload', 'config', 'conc.', ...roles.map((r) => (r === 'target' ? 'gateway' : r))],
    rows.map((r) => [r.workload, r.config, String(r.concurrency), ...roles.map((role) => fmt(r.cores[role], 2))]),
  );
}

export function kneeSection(rows: Row[]): string | undefined {
  const levels = [...new Set(rows.map((r) => r.concurrency))];
  if (levels.length < 3) return undefined;
  const lines: string[] = [];
  for (const w of WORKLOAD_ORDER) {
    for (const config of [...new Set(rows.filter((r) => r.workload === w).map((r) => r.config))]) {
      const points = rows.filter((r) => r.workload === w && r.config === config);
      const at = knee(points);
      lines.push(`- ${w} ${config}: ${at === undefined ? 'p99 stays within 2× of its lowest-concurrency value' : `p99 more than doubles by concurrency ${at}`}; req/s by concurrency: ${points.map((p) => `${p.concurrency}→${fmt(p.rps, 0)}`).join(', ')}`);
    }
  }
  return lines.join('\n');
}

export function renderMarkdown(report: BenchReport, chartFile: string): string {
  const { meta } = report;
  const kv = (o: Record<string, unknown>) => Object.entries(o).map(([k, v]) => `- ${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`).join('\n');
  const parts = [
    `# Gateway benchmark (${meta.startedAt})`,
    `Command: \`${meta.command}\`. Medians over ${meta.settings.repeats} repeat(s) of ${meta.settings.durationSec} s each (after ${meta.settings.warmupSec} s warm-up), configurations interleaved in one run. Closed loop: each connection sends its next request when the previous one is answered.`,
    `![chart](${chartFile})`,
    '## Results',
    resultsTable(report.rows),
    '## Ratios',
    table(['ratio', 'conc.', 'value', 'meaning'], report.ratios.map((r) => [r.name, String(r.concurrency), fmt(r.value, 2), r.detail])),
    '## Targets',
    table(['target', 'met', 'evidence'], report.targets.map((t) => [t.target, t.met === undefined ? '–' : t.met ? 'yes' : 'NO', t.evidence])),
    '## CPU each side gets (cores, median over repeats)',
    'Everything shares the same 2 cores. `gateway` is the configuration under test; `benchHost` is the benchmark process itself, which hosts the Auth0 stand-in and the Stripe recording proxy; `loadgen` is autocannon in its own process; `idleGateways` the gateways not under test; `other` is everything else on the machine (noise from other users).',
    coresTable(report.rows),
  ];
  const kneeText = kneeSection(report.rows);
  if (kneeText) parts.push('## Knees (p99 against concurrency)', kneeText);
  parts.push('## Correctness check', report.correctness.map((l) => `- ${l}`).join('\n'));
  parts.push('## Machine and settings', kv(meta.machine), kv(meta.settings), kv(meta.versions));
  parts.push('## Auth0 stand-in counters (whole run)', 'JWKS fetches and Management API user lookups both gateways caused, setup included: few JWKS fetches = keys cached; user lookups ≈ users × (run length / profile TTL) = profiles cached.', kv(meta.auth0Standin));
  parts.push('## Notes', meta.notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n\n') + '\n';
}
