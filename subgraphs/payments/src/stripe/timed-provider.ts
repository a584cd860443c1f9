/** Wraps any PaymentProvider to time each call and tell its outcome (ok, rejected, unavailable, misconfigured). */
import { ProviderError, type PaymentProvider } from './payment-provider';

export type ProviderObserver = (labels: { operation: string; outcome: string }, seconds: number) => void;

export function timedProvider(inner: PaymentProvider, observe: ProviderObserver): PaymentProvider {
  const timed = <A extends unknown[], R>(operation: string, call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const started = performance.now();
      let outcome = 'ok';
      try {
        return await call(...args);
      } catch (err) {
        outcome = err instanceof ProviderError ? err.outcome : 'error';
        throw err;
      } finally {
        observe({ operation, outcome }, (performance.now() - started) / 1000);
      }
    };
  return {
    createIntent: timed('create_intent', (r) => inner.createIntent(r)),
    retrieveIntent: timed('retrieve_intent', (id) => inner.retrieveIntent(id)),
    findIntentsForEntry: timed('search_intents', (id) => inner.findIntentsForEntry(id)),
  };
}
