import { operationMetricsPlugin, type OperationObserver } from './operation-metrics';

type Seen = Parameters<OperationObserver>[0];

async function run(plugin: ReturnType<typeof operationMetricsPlugin>, request: { name?: string; type?: string; errors?: Array<{ extensions?: Record<string, unknown> }> }) {
  const listener = await plugin.requestDidStart!({} as never);
  await (listener as { willSendResponse: (ctx: unknown) => Promise<void> }).willSendResponse({
    operation: request.type ? { operation: request.type, name: request.name ? { value: request.name } : undefined } : undefined,
    operationName: request.name,
    errors: undefined,
    response: { body: { kind: 'single', singleResult: { errors: request.errors } } },
  });
}

describe('operationMetricsPlugin', () => {
  test('labels name, type and outcome: ok, or the first error code', async () => {
    const seen: Seen[] = [];
    const plugin = operationMetricsPlugin((labels, seconds) => {
      expect(seconds).toBeGreaterThanOrEqual(0);
      seen.push(labels);
    });
    await run(plugin, { name: 'MyPluginPayments', type: 'query' });
    await run(plugin, { name: 'Buy', type: 'mutation', errors: [{ extensions: { code: 'TOTAL_MISMATCH' } }] });
    await run(plugin, { type: 'query' });
    await run(plugin, {});
    expect(seen).toEqual([
      { operation: 'MyPluginPayments', type: 'query', outcome: 'ok' },
      { operation: 'Buy', type: 'mutation', outcome: 'TOTAL_MISMATCH' },
      { operation: 'anonymous', type: 'query', outcome: 'ok' },
      { operation: 'anonymous', type: 'unknown', outcome: 'ok' },
    ]);
  });

  test('bounds the number of distinct operation labels', async () => {
    const seen: string[] = [];
    const plugin = operationMetricsPlugin((labels) => seen.push(labels.operation), 2);
    for (const name of ['A', 'B', 'C', 'A', 'D']) await run(plugin, { name, type: 'query' });
    expect(seen).toEqual(['A', 'B', 'other', 'A', 'other']);
  });
});
