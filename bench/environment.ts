/**
 * Everything the benchmark runs against: the project's own local stack (startLocalStack, on its
 * own ports and folder so it never meets the tests' or dev's stack), Hive Gateway, and optional
 * variants of our gateway (another dist/ folder and/or other environment) for side-by-side tuning.
 *
 * The three deployables are restarted the way the Dockerfile runs them (`node dist/...`,
 * NODE_ENV=production): the local stack adds --enable-source-maps, which makes every
 * `error.stack` read on the hot path far more expensive than in production.
 */
import { rmSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { portsWithCassandraOn, startLocalStack, type LocalStack } from '../stack/local-stack';
import { ENTRY_POINTS, type Deployable } from '../stack/product';
import { freePort, httpOk, spawnService, type ManagedService } from '../stack/lib/process';
import { projectRoot } from '../common/paths';
import { startHive } from './hive/start';

/**
 * `name[@distDir][:KEY=VALUE,KEY=VALUE]`: one more instance of our gateway. NODE_ARGS=... is not
 * environment but node flags (space-separated), e.g. NODE_ARGS=--cpu-prof --cpu-prof-dir=.run/prof.
 */
export interface Variant {
  name: string;
  distDir?: string;
  env: Record<string, string>;
}

export function parseVariant(spec: string): Variant {
  const m = /^([a-z][a-z0-9-]*)(?:@([^:]+))?(?::(.*))?$/i.exec(spec);
  if (!m) throw new Error(`--variant must look like name[@distDir][:KEY=VALUE,...], got "${spec}"`);
  const env: Record<string, string> = {};
  for (const pair of (m[3] ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--variant ${m[1]}: "${pair}" is not KEY=VALUE`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return { name: m[1], distDir: m[2], env };
}

export interface BenchEnvironment {
  stack: LocalStack;
  /** Base URLs of each front door, by configuration name (gateway, hive, variants). */
  gateways: Record<string, { url: string; pid: number }>;
  pids: { payments: number; plugins: number; cassandra: number; stripeMock: number };
  runDir: string;
  stop(): Promise<void>;
}

export const BENCH_CASSANDRA_PORTS = { native: 19342, storage: 17300 };

export async function startEnvironment(opts: { variants: Variant[]; log: (line: string) => void }): Promise<BenchEnvironment> {
  const runDir = join(projectRoot(), '.run', 'bench');
  const logDir = join(runDir, 'logs');
  rmSync(runDir, { recursive: true, force: true });
  const ports = await portsWithCassandraOn(BENCH_CASSANDRA_PORTS);
  const stack = await startLocalStack({ ports, runDir, log: opts.log });
  const own: ManagedService[] = [];
  const stopOwn = async () => {
    for (const service of [...own].reverse()) await service.stop().catch(() => {});
  };
  try {
    const deployed = {} as Record<Deployable, ManagedService & { url: string }>;
    for (const name of ['gateway', 'payments', 'plugins'] as const) await stack.killDeployable(name, 'SIGTERM');
    for (const name of ['plugins', 'payments', 'gateway'] as const) {
      deployed[name] = await startNode({ name, entry: ENTRY_POINTS[name], env: stack.env[name], port: ports[name], logDir });
      own.push(deployed[name]);
    }
    opts.log('deployables restarted as the Dockerfile runs them (node dist/..., NODE_ENV=production)');

    const gatewayEnv = stack.env.gateway;
    const hive = await startHive({
      port: await freePort(),
      logDir,
      jwksUrl: `${stack.urls.auth0}/.well-known/jwks.json`,
      issuer: stack.auth0.issuer,
      audience: gatewayEnv.AUTH0_AUDIENCE,
      identityKeys: gatewayEnv.IDENTITY_SIGNING_KEYS,
      subgraphUrls: { payments: gatewayEnv.SUBGRAPH_URL_PAYMENTS, plugins: gatewayEnv.SUBGRAPH_URL_PLUGINS },
    });
    own.push(hive);
    opts.log(`Hive Gateway ready on ${hive.url}`);
    const gateways: BenchEnvironment['gateways'] = {
      gateway: { url: deployed.gateway.url, pid: pidOf(deployed.gateway) },
      hive: { url: hive.url, pid: pidOf(hive) },
    };
    for (const variant of opts.variants) {
      const { NODE_ARGS: nodeArgs, ...env } = variant.env;
      const entry = join(variant.distDir ?? 'dist', ENTRY_POINTS.gateway.replace(/^dist\//, ''));
      const started = await startNode({ name: `gateway-${variant.name}`, entry, env: { ...gatewayEnv, ...env }, port: await freePort(), logDir, nodeArgs });
      own.push(started);
      gateways[variant.name] = { url: started.url, pid: pidOf(started) };
      opts.log(`variant ${variant.name} ready on ${started.url}`);
    }
    return {
      stack,
      gateways,
      pids: { payments: pidOf(deployed.payments), plugins: pidOf(deployed.plugins), cassandra: pidOf(stack.cassandra), stripeMock: stripeMockPid(stack) },
      runDir,
      async stop() {
        await stopOwn();
        await stack.stop();
      },
    };
  } catch (err) {
    await stopOwn();
    await stack.stop();
    throw err;
  }
}

/** `node [nodeArgs] <entry>` with the deployable's environment, like the Dockerfile's CMD. */
async function startNode(opts: { name: string; entry: string; env: Record<string, string>; port: number; logDir: string; nodeArgs?: string }): Promise<ManagedService & { url: string }> {
  const url = `http://127.0.0.1:${opts.port}`;
  const service = await spawnService({
    name: opts.name,
    command: process.execPath,
    args: [...(opts.nodeArgs ?? '').split(' ').filter(Boolean), join(projectRoot(), opts.entry)],
    env: { PATH: process.env.PATH ?? '', NODE_ENV: process.env.NODE_ENV ?? 'production', ...opts.env, PORT: String(opts.port), HOST: '127.0.0.1' },
    logFile: join(opts.logDir, `${opts.name}.log`),
    ready: () => httpOk(`${url}/readyz`),
    readyTimeoutMs: 60_000,
  });
  return Object.assign(service, { url });
}

function pidOf(service: ManagedService): number {
  if (service.pid === undefined) throw new Error(`${service.name} has no pid`);
  return service.pid;
}

/** stripe-mock is started inside startLocalStack and not returned; find it by its listening port. */
function stripeMockPid(stack: LocalStack): number {
  try {
    const out = execFileSync('ss', ['-Hltnp', `sport = :${stack.ports.stripeMock}`], { encoding: 'utf8' });
    const pid = Number(/pid=(\d+)/.exec(out)?.[1]);
    return Number.isFinite(pid) ? pid : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
