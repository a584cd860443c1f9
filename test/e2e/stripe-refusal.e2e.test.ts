/**
 * Stripe refusing definitively (a declined card, an invalid request), injected at the recording
 * proxy since stripe-mock never declines: the client gets a 4xx with a stable code, the ledger
 * records FAILED with Stripe's reason code, and a retry with the same key gets the same refusal
 * from the ledger without a second create at Stripe.
 */
import { randomBytes } from 'node:crypto';
import type { Fault } from '../../stack/stripe-recorder';
import { CREATE_INTENT, PLUGINS, gql, inPendingIndex, intentCreationsFor, ledgerRows, rest, setStripeFault, userWithToken } from '../helpers/stack';

afterEach(() => setStripeFault(null));

const body = { total: 12.5, currency: 'usd', plugins: [PLUGINS.antiCheat] };
const newKey = () => `refused-${randomBytes(8).toString('hex')}`;

const refusals: Array<[string, Fault & { mode: 'status' }, string]> = [
  ['a declined card (402 card_error)', { mode: 'status', status: 402, error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } }, 'card_declined'],
  ['an invalid request (400 invalid_request_error)', { mode: 'status', status: 400, error: { type: 'invalid_request_error', code: 'amount_too_small', message: 'Amount must be at least $0.50 usd' } }, 'amount_too_small'],
];

describe.each(refusals)('Stripe refuses: %s', (_name, fault, reason) => {
  test('400 PAYMENT_REJECTED with the reason; the ledger says [PENDING, FAILED]; a retry gets the same refusal without calling Stripe', async () => {
    const user = await userWithToken('refused');
    const key = newKey();
    // One refusal only: a retry that reached Stripe again would succeed, so a second refusal proves it came from the ledger.
    await setStripeFault({ ...fault, count: 1 });
    const first = await rest(user.token, body, { 'idempotency-key': key });
    expect(first.status).toBe(400);
    expect(first.json()).toMatchObject({ status: 400, code: 'PAYMENT_REJECTED', reason });
    expect(first.json().retryable).toBeUndefined();

    const [entry, ...others] = await ledgerRows(user.sub);
    expect(others).toEqual([]);
    expect(entry.events).toEqual([
      { status: 'PENDING', stripeIntentId: null, stripeStatus: null, reason: null },
      { status: 'FAILED', stripeIntentId: null, stripeStatus: null, reason },
    ]);
    expect(await inPendingIndex(entry.entryId)).toBe(false); // settled: nothing left for the reconciler
    const creations = await intentCreationsFor(user.sub);
    expect(creations.map((c) => [c.idempotencyKey, c.outcome])).toEqual([[`jtm-plugin-intent-${entry.entryId}`, expect.stringMatching(new RegExp(`^injected ${fault.status} `))]]);

    const retry = await rest(user.token, body, { 'idempotency-key': key });
    expect(retry.status).toBe(400);
    expect(retry.json()).toMatchObject({ code: 'PAYMENT_REJECTED', reason });
    expect(await intentCreationsFor(user.sub)).toHaveLength(1);
    expect((await ledgerRows(user.sub)).map((r) => r.events.length)).toEqual([2]);
  });
});

test('GraphQL: the same refusal as extensions.code PAYMENT_REJECTED with the reason', async () => {
  const user = await userWithToken('refused-gql');
  await setStripeFault({ ...refusals[0][1], count: 1 });
  const res = await gql(user.token, CREATE_INTENT, { input: body }, { 'idempotency-key': newKey() });
  expect(res.body.data?.createPluginPaymentIntent ?? null).toBeNull();
  expect(res.body.errors?.[0]?.extensions).toMatchObject({ code: 'PAYMENT_REJECTED', reason: 'card_declined' });
  expect((await ledgerRows(user.sub))[0].events.map((e) => [e.status, e.reason])).toEqual([['PENDING', null], ['FAILED', 'card_declined']]);
});
