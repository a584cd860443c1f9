/**
 * `npm run bench [-- --quick]`: the benchmark of issue 8 in one command. Starts the local stack
 * and Hive Gateway, makes users and payments, checks every workload answers correctly, then runs
 * the configurations interleaved under closed-loop load and writes bench/results/<name>.{json,md,svg}.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { projectRoot, schemaFile } from '../common/paths';
import { startEnvironment, parseVariant, type BenchEnvironment } from './environment';
import { startLoadGenerator, type LoadGenerator } from './load';
import { measure, type Cell, type IntervalResult, type Pids } from './interval';
import { checkCorrectness, createUsers, payOncePerUser } from './setup';
import { workloads, type W1Mode, type WorkloadId } from './workloads';
import { aggregate, ratios, renderMarkdown, targets, resultsTable, type BenchReport } from './report';
import { renderChart } from './chart';
import { NOTES } from './notes';

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      repeats: { type: 'string' },
      concurrency: { type: 'string' },
      workloads: { type: 'string' },
      configs: { type: 'string' },
      users: { type: 'string' },
      variant: { type: 'string', multiple: true },
      name: { type: 'string', default: 'latest' },
    },
  });
  const quick = values.quick!;
  const list = (s: string | undefined, fallback: string) => (s ?? fallback).split(',').map((x) => x.trim()).filter(Boolean);
  return {
    quick,
    durationSec: Number(values.duration ?? (quick ? 3 : 10)),
    warmupSec: Number(values.warmup ?? (quick ? 1 : 3)),
    repeats: Number(values.repeats ?? (quick ? 1 : 3)),
    concurrency: list(values.concurrency, '4,32').map(Number),
    workloads: list(values.workloads, 'W1,W2,W3') as WorkloadId[],
    configs: values.configs ? list(values.configs, '') : undefined,
    users: Number(values.users ?? 200),
    variants: (values.variant ?? []).map(parseVariant),
    name: values.name!,
  };
}

type Options = ReturnType<typeof options>;

function cellsFor(env: BenchEnvironment, opts: Options, w1Mode: W1Mode): Cell[] {
  const all = workloads(w1Mode);
  const cells: Cell[] = [];
  for (const id of opts.workloads) {
    const w = all[id];
    if (w.direct) cells.push({ workload: id, config: 'direct', kind: 'direct', url: w.direct === 'payments' ? env.stack.urls.payments : env.stack.urls.plugins });
    for (const [config, gw] of Object.entries(env.gateways)) {
      if (w.api === 'rest' && config === 'hive') continue; // Hive Gateway has no REST shim
      cells.push({ workload: id, config, kind: 'front', url: gw.url });
    }
  }
  return opts.configs ? cells.filter((c) => opts.configs!.includes(c.config)) : cells;
}

function pidsFor(cell: Cell, env: BenchEnvironment, load: LoadGenerator): Pids {
  const target = cell.kind === 'front' ? env.gateways[cell.config].pid : undefined;
  return {
    target,
    ...env.pids,
    benchHost: process.pid,
    loadgen: load.pid,
    idleGateways: Object.values(env.gateways).map((g) => g.pid).filter((pid) => pid !== target),
  };
}

const rotate = <T>(list: T[], by: number) => list.map((_, i) => list[(i + by) % list.length]);

function version(pkg: string): string {
  try {
    return (JSON.parse(readFileSync(join(projectRoot(), 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const opts = options();
  const startedAt = new Date();
  const loadBefore = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  const w1Mode: W1Mode = readFileSync(schemaFile('supergraph.graphql'), 'utf8').includes('myPluginPayments') ? 'payments' : 'catalog';
  const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);
  log(`W1 reads ${w1Mode === 'payments' ? 'myPluginPayments (payments + catalog)' : 'the catalog (interim: no myPluginPayments in schema/supergraph.graphql yet)'}`);

  const env = await startEnvironment({ variants: opts.variants, log });
  let load: LoadGenerator | undefined;
  const stop = async () => {
    load?.stop();
    await env.stop();
  };
  process.once('SIGINT', () => { void stop().then(() => process.exit(130)); });
  try {
    const users = await createUsers(env.stack.auth0, opts.users);
    log(`${users.length} users with their own RS256 tokens`);
    await payOncePerUser(env.gateways.gateway.url, users, w1Mode);
    log('one payment per user recorded');
    const cells = cellsFor(env, opts, w1Mode);
    const identityKeys = env.stack.env.payments.IDENTITY_SIGNING_KEYS;
    const correctness = await checkCorrectness(cells, users, identityKeys, w1Mode);
    correctness.forEach(log);

    load = await startLoadGenerator({ users, identityKeys, w1Mode });
    const maxConcurrency = Math.max(...opts.concurrency);
    for (const cell of cells) await load.run({ workload: cell.workload, kind: cell.kind, url: cell.url, connections: maxConcurrency, durationSec: Math.max(2, 3 * opts.warmupSec), validateEvery: 0 });
    log(`warmed up ${cells.length} cells; measuring ${opts.repeats} × ${opts.concurrency.length} × ${cells.length} intervals of ${opts.durationSec} s`);

    const intervals: IntervalResult[] = [];
    let round = 0;
    for (let repeat = 1; repeat <= opts.repeats; repeat++) {
      for (const concurrency of opts.concurrency) {
        for (const cell of rotate(cells, round++ % cells.length)) {
          await load.run({ workload: cell.workload, kind: cell.kind, url: cell.url, connections: concurrency, durationSec: opts.warmupSec, validateEvery: 0 });
          const result = await measure(load, cell, pidsFor(cell, env, load), { concurrency, durationSec: opts.durationSec, repeat, validateEvery: 50 });
          intervals.push(result);
          await fetch(`${env.stack.urls.stripeRecorder}/__recorder/requests`, { method: 'DELETE' }).catch(() => {});
          log(`${cell.workload} ${cell.config.padEnd(8)} c=${String(concurrency).padEnd(3)} #${repeat}: ${result.rps.toFixed(0)} req/s, p50 ${result.latencyMs.p50.toFixed(1)} p99 ${result.latencyMs.p99.toFixed(1)} ms, errors ${result.errors}${result.errorDetail.firstProblem ? ` (${result.errorDetail.firstProblem.slice(0, 160)})` : ''}`);
        }
      }
    }

    const rows = aggregate(intervals);
    const cpuModel = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
    const report: BenchReport = {
      meta: {
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
        command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
        machine: { cpu: cpuModel, cores: os.cpus().length, memoryGb: Number((os.totalmem() / 2 ** 30).toFixed(1)), kernel: os.release(), node: process.version, loadavgBefore: loadBefore, loadavgAfter: os.loadavg().map((l) => l.toFixed(2)).join(' ') },
        settings: { quick: opts.quick, durationSec: opts.durationSec, warmupSec: opts.warmupSec, repeats: opts.repeats, concurrency: opts.concurrency, users: opts.users, w1Mode, nodeEnv: process.env.NODE_ENV ?? 'production', gatewayLogLevel: process.env.LOG_LEVEL ?? 'info', variants: opts.variants.map((v) => `${v.name}${v.distDir ? `@${v.distDir}` : ''}:${JSON.stringify(v.env)}`) },
        versions: { '@apollo/gateway': version('@apollo/gateway'), '@apollo/server': version('@apollo/server'), '@graphql-hive/gateway': version('@graphql-hive/gateway'), autocannon: version('autocannon'), 'cassandra-driver': version('cassandra-driver') },
        notes: NOTES(w1Mode),
        auth0Standin: { ...env.stack.auth0.stats() },
      },
      correctness,
      rows,
      ratios: ratios(rows),
      targets: targets(rows),
      intervals,
    };
    const base = join(projectRoot(), 'bench', 'results', opts.name);
    mkdirSync(dirname(base), { recursive: true });
    const chartFile = `${base.split('/').pop()}.svg`;
    writeFileSync(`${base}.json`, JSON.stringify(report, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
    writeFileSync(`${base}.svg`, renderChart(rows, `JTM gateway benchmark ${startedAt.toISOString().slice(0, 16)}Z (medians; ${os.cpus().length} cores shared by everything)`));
    writeFileSync(`${base}.md`, renderMarkdown(report, chartFile));
    process.stdout.write(`\n${resultsTable(rows)}\n\n`);
    for (const t of report.targets) log(`${t.met === undefined ? '–' : t.met ? 'MET' : 'NOT MET'}  ${t.target}: ${t.evidence}`);
    log(`wrote ${base}.{json,md,svg}`);
    process.exitCode = rows.some((r) => r.errors > 0) ? 1 : 0;
  } finally {
    await stop();
  }
}

main().catch((err) => {
  process.stderr.write(`[bench] failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
