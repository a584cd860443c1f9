import type { LocalStack } from '../../stack/local-stack';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as Record<string, unknown>).__JTM_STACK__ as LocalStack | undefined;
  const control = (globalThis as Record<string, unknown>).__JTM_STACK_CONTROL__ as { close(): Promise<void> } | undefined;
  await control?.close();
  await stack?.stop();
}
