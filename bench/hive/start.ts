/** Starts Hive Gateway (the npm CLI, `hive-gateway supergraph ...`) as one process on loopback. */
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { httpOk, spawnService, type ManagedService } from '../../stack/lib/process';
import { projectRoot, schemaFile } from '../../common/paths';

export interface HiveOptions {
  port: number;
  logDir: string;
  jwksUrl: string;
  issuer: string;
  audience: string;
  identityKeys: string;
  subgraphUrls: { payments: string; plugins: string };
}

export function hiveBinary(): string {
  const pkg = createRequire(join(projectRoot(), 'package.json')).resolve('@graphql-hive/gateway/package.json');
  return join(pkg, '..', 'dist', 'bin.js');
}

export async function startHive(opts: HiveOptions): Promise<ManagedService & { url: string }> {
  const url = `http://127.0.0.1:${opts.port}`;
  const service = await spawnService({
    name: 'hive-gateway',
    command: process.execPath,
    args: [
      hiveBinary(), 'supergraph', schemaFile('supergraph.graphql'),
      '--config-path', join(projectRoot(), 'dist', 'bench', 'hive', 'gateway.config.js'),
      '--host', '127.0.0.1', '--port', String(opts.port), '--fork', '1',
    ],
    cwd: projectRoot(),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      JWKS_URL: opts.jwksUrl,
      AUTH0_ISSUER: opts.issuer,
      AUTH0_AUDIENCE: opts.audience,
      IDENTITY_SIGNING_KEYS: opts.identityKeys,
      SUBGRAPH_URL_PAYMENTS: opts.subgraphUrls.payments,
      SUBGRAPH_URL_PLUGINS: opts.subgraphUrls.plugins,
      HIVE_LOG_LEVEL: process.env.HIVE_LOG_LEVEL ?? 'warn',
    },
    logFile: join(opts.logDir, 'hive-gateway.log'),
    ready: () => httpOk(`${url}/readiness`),
    readyTimeoutMs: 60_000,
  });
  return Object.assign(service, { url });
}
