import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { UUIDScalar } from '../../../common/scalars';
import { currencyRule, formatMinor } from '../../../common/money';
import type { SubgraphContext } from '../../../common/subgraph-server';
import { createPluginPaymentIntent, type CreateIntentDeps, type IntentResult } from './intents/create-intent';
import type { IntentRequestInput } from './intents/validate';
import type { LedgerEntry } from './ledger/ledger';
import { myPayments } from './history/my-payments';

export interface PaymentsContext extends SubgraphContext {
  /** The Idempotency-Key the client sent to the gateway, forwarded on the subgraph request. */
  headerIdempotencyKey?: string;
}

export function paymentsResolvers(deps: CreateIntentDeps): GraphQLResolverMap<PaymentsContext> {
  return {
    UUID: UUIDScalar,
    Query: {
      myPluginPayments: async (_: unknown, args: { first: number }, ctx: PaymentsContext) =>
        (await myPayments(deps.ledger, ctx.CLIENT_ID, args.first)).map((entry) => ({
          ...paymentFields(entry),
          stripePaymentIntentId: entry.stripeIntentId,
        })),
    },
    Mutation: {
      createPluginPaymentIntent: async (_: unknown, args: { input: IntentRequestInput }, ctx: PaymentsContext) => {
        // AppErrors propagate as they are; the subgraph's formatError maps them once.
        const result = await createPluginPaymentIntent(deps, {
          clientId: ctx.CLIENT_ID,
          identityAssertion: ctx.identityAssertion,
          requestId: ctx.requestId,
          log: ctx.log,
          headerIdempotencyKey: ctx.headerIdempotencyKey,
        }, args.input);
        return toGraphQL(result);
      },
    },
  } as unknown as GraphQLResolverMap<PaymentsContext>;
}

function toGraphQL({ entry, intent }: IntentResult) {
  return { ...paymentFields(entry), stripePaymentIntentId: intent.id, clientSecret: intent.clientSecret };
}

function paymentFields(entry: LedgerEntry) {
  const rule = currencyRule(entry.currency);
  return {
    id: entry.entryId,
    amount: { amountMinor: entry.amountMinor.toString(), currency: entry.currency, formatted: formatMinor(entry.amountMinor, rule) },
    status: entry.status,
    plugins: entry.pluginIds.map((id) => ({ id })),
    createdAt: entry.createdAt.toISOString(),
  };
}
