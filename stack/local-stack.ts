/**
 * The whole local stack: Cassandra 5 (from Maven jars), stripe-mock behind the recording proxy,
 * the Auth0 stand-in, the catalog seeded, and the three deployables. Used by `npm run dev` and
 * by the tests' global setup; only ports and folders differ between the two.
 */
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { startCassandra, type CassandraService } from './cassandra';
import { startStripeMock } from './stripe-mock';
import { startStripeRecorder } from './stripe-recorder';
import { startAuth0Standin, type Auth0Standin } from './auth0';
import { startDeployable, ENTRY_POINTS, type Deployable } from './product';
import { projectRoot } from '../common/paths';
import { freePort, type ManagedService } from './lib/process';

export interface StackPorts {
  cassandraNative: number;
  cassandraStorage: number;
  stripeMock: number;
  stripeProxy: number;
  auth0: number;
  plugins: number;
  payments: number;
  gateway: number;
}

/** Fixed Cassandra ports (a stack of its own needs its own), every other port free on loopback. */
export async function portsWithCassandraOn(cassandra: { native: number; storage: number }): Promise<StackPorts> {
  return {
    cassandraNative: cassandra.native,
    cassandraStorage: cassandra.storage,
    stripeMock: await freePort(),
    stripeProxy: await freePort(),
    auth0: await freePort(),
    plugins: await freePort(),
    payments: await freePort(),
    gateway: await freePort(),
  };
}

export const DEV_PORTS: StackPorts = { cassandraNative: 9042, cassandraStorage: 7000, stripeMock: 12111, stripeProxy: 12112, auth0: 4010, plugins: 4002, payments: 4001, gateway: 4000 };

export const AUTH0_DOMAIN = 'jtm-dev.auth0.local';
export const AUTH0_AUDIENCE = 'https://api.jtm.network';
export const AUTH0_M2M_CLIENT_ID = 'jtm-gateway-m2m';
export const PAYMENT_SCOPE = 'create:payment_intent';

export interface LocalStack {
  ports: StackPorts;
  urls: { gateway: string; payments: string; plugins: string; auth0: string; stripeMock: string; stripeRecorder: string; cassandra: string };
  /** Environment each deployable was started with (secrets included: dev/test only). */
  env: Record<Deployable, Record<string, string>>;
  cassandra: CassandraService;
  auth0: Auth0Standin;
  deployables: Record<Deployable, ManagedService>;
  /** For fault tests: stop Cassandra (data kept) and start it again on the same folder. */
  stopCassandra(): Promise<void>;
  startCassandra(): Promise<void>;
  /** For fault tests: end a deployable (SIGKILL = a crash) and start it again. */
  killDeployable(name: Deployable, signal?: 'SIGKILL' | 'SIGTERM'): Promise<number | null>;
  /** `extraEnv` is added to the deployable's usual environment for this start only (e.g. OTEL_* for tracing tests). */
  startDeployable(name: Deployable, extraEnv?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStack(opts: { ports: StackPorts; runDir: string; fastCassandra?: boolean; keyspaceSuffix?: string; log?: (line: string) => void }): Promise<LocalStack> {
  const log = opts.log ?? (() => {});
  const logDir = join(opts.runDir, 'logs');
  const started: Array<{ stop(): Promise<void> }> = [];
  const stopAll = async () => {
    for (const s of [...started].reverse()) await s.stop().catch(() => {});
  };
  const replace = (old: { stop(): Promise<void> }, next: { stop(): Promise<void> }) => {
    const at = started.indexOf(old);
    if (at >= 0) started[at] = next;
    else started.push(next);
  };
  try {
    log('starting Cassandra 5.0 (first start takes 20-60 s)...');
    const cassandraOptions = { dataDir: join(opts.runDir, 'cassandra'), nativePort: opts.ports.cassandraNative, storagePort: opts.ports.cassandraStorage, fast: opts.fastCassandra };
    let cassandra = await startCassandra(cassandraOptions);
    started.push(cassandra);
    log(`Cassandra ready on ${cassandra.contactPoint} (${(cassandra.startupMs / 1000).toFixed(1)} s)`);

    const stripeMock = await startStripeMock({ port: opts.ports.stripeMock, logFile: join(logDir, 'stripe-mock.log') });
    started.push(stripeMock);
    const recorder = await startStripeRecorder({ port: opts.ports.stripeProxy, upstream: stripeMock.url });
    started.push({ stop: recorder.close });
    log(`stripe-mock ready on ${stripeMock.url} (recorded through ${recorder.url})`);

    const m2mSecret = randomBytes(24).toString('base64url');
    const auth0 = await startAuth0Standin({ port: opts.ports.auth0, domain: AUTH0_DOMAIN, audience: AUTH0_AUDIENCE, m2mClientId: AUTH0_M2M_CLIENT_ID, m2mClientSecret: m2mSecret, stateFile: join(opts.runDir, 'auth0', 'state.json') });
    started.push({ stop: () => auth0.close() });
    log(`Auth0 stand-in ready on ${auth0.url} (issuer ${auth0.issuer})`);

    const suffix = opts.keyspaceSuffix ?? '';
    const identityKeys = `k1:${randomBytes(32).toString('base64')}`;
    const common = {
      CASSANDRA_CONTACT_POINTS: cassandra.contactPoint,
      CASSANDRA_LOCAL_DC: cassandra.localDataCenter,
      CASSANDRA_CONSISTENCY: 'LOCAL_ONE',
      IDENTITY_SIGNING_KEYS: identityKeys,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    };
    const env: Record<Deployable, Record<string, string>> = {
      plugins: { ...common, CASSANDRA_KEYSPACE: `jtm_catalog${suffix}` },
      payments: {
        ...common,
        CASSANDRA_KEYSPACE: `jtm_payments${suffix}`,
        STRIPE_SECRET_KEY: 'sk_test_jtmlocalstack',
        STRIPE_API_BASE: recorder.url,
        STRIPE_TIMEOUT_MS: '3000',
        STRIPE_MAX_NETWORK_RETRIES: '0',
        CATALOG_URL: `http://127.0.0.1:${opts.ports.plugins}/graphql`,
      },
      gateway: {
        ...common,
        AUTH0_DOMAIN,
        AUTH0_AUDIENCE,
        AUTH0_CLIENT_ID: AUTH0_M2M_CLIENT_ID,
        AUTH0_CLIENT_SECRET: m2mSecret,
        AUTH0_HTTP_BASE_URL: auth0.url,
        SUBGRAPH_URL_PAYMENTS: `http://127.0.0.1:${opts.ports.payments}/graphql`,
        SUBGRAPH_URL_PLUGINS: `http://127.0.0.1:${opts.ports.plugins}/graphql`,
        APOLLO_TELEMETRY_DISABLED: 'true',
      },
    };

    log('seeding the plugin catalog...');
    await promisify(execFile)(process.execPath, [join(projectRoot(), 'dist/subgraphs/plugins/src/seed.js')], { env: { ...process.env, ...env.plugins } });

    const deployables = {} as Record<Deployable, ManagedService>;
    for (const name of ['plugins', 'payments', 'gateway'] as const) {
      deployables[name] = await startDeployable(name, env[name], opts.ports[name], logDir);
      started.push(deployables[name]);
      log(`${name} ready on http://127.0.0.1:${opts.ports[name]} (${ENTRY_POINTS[name]})`);
    }

    return {
      ports: opts.ports,
      urls: {
        gateway: `http://127.0.0.1:${opts.ports.gateway}`,
        payments: `http://127.0.0.1:${opts.ports.payments}`,
        plugins: `http://127.0.0.1:${opts.ports.plugins}`,
        auth0: auth0.url,
        stripeMock: stripeMock.url,
        stripeRecorder: recorder.url,
        cassandra: cassandra.contactPoint,
      },
      env,
      cassandra,
      auth0,
      deployables,
      async stopCassandra() {
        await cassandra.stop();
      },
      async startCassandra() {
        const next = await startCassandra(cassandraOptions);
        replace(cassandra, next);
        cassandra = next;
      },
      async killDeployable(name, signal = 'SIGKILL') {
        const service = deployables[name];
        if (service.pid !== undefined) {
          try { process.kill(-service.pid, signal); } catch { /* already gone */ }
        }
        return service.exited;
      },
      async startDeployable(name, extraEnv = {}) {
        const next = await startDeployable(name, { ...env[name], ...extraEnv }, opts.ports[name], logDir);
        replace(deployables[name], next);
        deployables[name] = next;
      },
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
