/** Wraps any PaymentProvider so each call is a client span (its HTTP request, when traced, is a child). */
import { traced } from '../../../../common/tracing';
import { ProviderError, type PaymentProvider } from './payment-provider';

export function tracedProvider(inner: PaymentProvider, peer: string): PaymentProvider {
  const span = <A extends unknown[], R>(operation: string, attributes: (...args: A) => Record<string, string>, call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> =>
      traced(`${peer}.${operation}`, { 'peer.service': peer, ...attributes(...args) }, async (s) => {
        try {
          return await call(...args);
        } catch (err) {
          if (err instanceof ProviderError) s?.setAttributes({ 'jtm.provider.outcome': err.outcome, 'jtm.provider.reason': err.reason });
          throw err;
        }
      });
  return {
    createIntent: span('create_intent', (r) => ({ 'jtm.entry_id': r.metadata.jtm_entry_id ?? '', 'jtm.currency': r.currency }), (r) => inner.createIntent(r)),
    retrieveIntent: span('retrieve_intent', (id) => ({ 'jtm.provider.intent_id': id }), (id) => inner.retrieveIntent(id)),
    findIntentsForEntry: span('search_intents', (id) => ({ 'jtm.entry_id': id }), (id) => inner.findIntentsForEntry(id)),
  };
}
