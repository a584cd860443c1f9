/**
 * Starts the product's three deployables from dist/ exactly as production runs them
 * (node <entry>), configured only through the environment.
 */
import { join } from 'node:path';
import { httpOk, spawnService, type ManagedService } from './lib/process';
import { projectRoot } from '../common/paths';

export type Deployable = 'plugins' | 'payments' | 'gateway';

export const ENTRY_POINTS: Record<Deployable, string> = {
  plugins: 'dist/subgraphs/plugins/src/main.js',
  payments: 'dist/subgraphs/payments/src/main.js',
  gateway: 'dist/gateway/src/main.js',
};

export interface ProductEnv {
  common: Record<string, string>;
  plugins: Record<string, string>;
  payments: Record<string, string>;
  gateway: Record<string, string>;
}

export async function startDeployable(name: Deployable, env: Record<string, string>, port: number, logDir: string): Promise<ManagedService & { url: string }> {
  const url = `http://127.0.0.1:${port}`;
  const service = await spawnService({
    name,
    command: process.execPath,
    args: ['--enable-source-maps', join(projectRoot(), ENTRY_POINTS[name])],
    env: { PATH: process.env.PATH ?? '', NODE_ENV: process.env.NODE_ENV ?? 'production', ...env, PORT: String(port), HOST: '127.0.0.1' },
    logFile: join(logDir, `${name}.log`),
    ready: () => httpOk(`${url}/readyz`),
    readyTimeoutMs: 60_000,
  });
  return Object.assign(service, { url });
}
