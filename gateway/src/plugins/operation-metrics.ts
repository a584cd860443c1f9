/**
 * Apollo Server plugin: one latency observation per GraphQL operation, labelled with the
 * operation's name and type and its outcome (ok, or the first error's code). Client-chosen
 * operation names would make unbounded series, so only the first `maxNames` distinct names get
 * their own label; later ones are counted as "other".
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context';

export type OperationObserver = (labels: { operation: string; type: string; outcome: string }, seconds: number) => void;

export function operationMetricsPlugin(observe: OperationObserver, maxNames = 100): ApolloServerPlugin<GatewayContext> {
  const known = new Set<string>();
  const nameLabel = (name: string | null | undefined): string => {
    if (!name) return 'anonymous';
    if (known.has(name)) return name;
    if (known.size >= maxNames || !/^[_A-Za-z][_0-9A-Za-z]{0,99}$/.test(name)) return 'other';
    known.add(name);
    return name;
  };
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operation, operationName, errors, response }) {
          const body = response.body;
          const resultErrors = errors ?? (body.kind === 'single' ? body.singleResult.errors : undefined);
          const code = resultErrors?.[0]?.extensions?.code;
          observe(
            {
              operation: nameLabel(operation?.name?.value ?? operationName),
              type: operation?.operation ?? 'unknown',
              outcome: resultErrors?.length ? (typeof code === 'string' ? code : 'error') : 'ok',
            },
            (performance.now() - started) / 1000,
          );
        },
      };
    },
  };
}
