/**
 * Starts the real local stack once for the integration and e2e tiers: Cassandra 5 on its own
 * ports, stripe-mock behind the recording proxy, the Auth0 stand-in and the three deployables
 * from dist/ (the test command compiles first). Tests find it through JTM_TEST_STACK.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { portsWithCassandraOn, startLocalStack } from '../../stack/local-stack';
import { projectRoot } from '../../common/paths';
import type { TestStackInfo } from './stack';
import { startControlServer } from './stack-control';

export default async function globalSetup(): Promise<void> {
  // Two test runs side by side need their own Cassandra ports, hence their own folder.
  const cassandraNative = Number(process.env.TEST_CASSANDRA_PORT ?? 19142);
  const runDir = join(projectRoot(), '.run', `test-${cassandraNative}`);
  rmSync(runDir, { recursive: true, force: true });
  const ports = await portsWithCassandraOn({ native: cassandraNative, storage: Number(process.env.TEST_CASSANDRA_STORAGE_PORT ?? cassandraNative - 2042) });
  const t0 = Date.now();
  const stack = await startLocalStack({ ports, runDir, fastCassandra: true, log: (l) => process.stdout.write(`\n[test stack] ${l}`) });
  process.stdout.write(`\n[test stack] up in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  (globalThis as Record<string, unknown>).__JTM_STACK__ = stack;
  const control = await startControlServer(stack);
  (globalThis as Record<string, unknown>).__JTM_STACK_CONTROL__ = control;
  const info: TestStackInfo = { urls: { ...stack.urls, control: control.url }, ports: stack.ports, env: stack.env, runDir };
  process.env.JTM_TEST_STACK = JSON.stringify(info);
}
