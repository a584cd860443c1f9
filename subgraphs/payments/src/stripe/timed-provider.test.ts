import { ProviderError, type PaymentProvider, type ProviderIntent } from './payment-provider';
import { timedProvider } from './timed-provider';

const intent: ProviderIntent = { id: 'pi_1', clientSecret: 'pi_1_secret_x', status: 'requires_payment_method', amountMinor: 100n, currency: 'USD' };

test('observes each call with its operation and outcome, and passes results and errors through', async () => {
  const seen: Array<{ operation: string; outcome: string }> = [];
  const inner: PaymentProvider = {
    createIntent: async () => intent,
    retrieveIntent: async () => { throw new ProviderError('unavailable', 'api_error'); },
    findIntentsForEntry: async () => { throw new TypeError('bug'); },
  };
  const provider = timedProvider(inner, (labels, seconds) => {
    expect(seconds).toBeGreaterThanOrEqual(0);
    seen.push(labels);
  });
  await expect(provider.createIntent({ amountMinor: 100n, currency: 'USD', metadata: {}, description: '', idempotencyKey: 'k' })).resolves.toBe(intent);
  await expect(provider.retrieveIntent('pi_1')).rejects.toMatchObject({ outcome: 'unavailable' });
  await expect(provider.findIntentsForEntry('e')).rejects.toBeInstanceOf(TypeError);
  expect(seen).toEqual([
    { operation: 'create_intent', outcome: 'ok' },
    { operation: 'retrieve_intent', outcome: 'unavailable' },
    { operation: 'search_intents', outcome: 'error' },
  ]);
});
