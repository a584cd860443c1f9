/**
 * POST /payment/intent/plugin for legacy callers of the service this replaces. Same token and
 * body as before ({ total, currency, plugins }); runs the same GraphQL operation through the
 * gateway (same auth, same validation in the payments subgraph) and answers, as before, with the
 * client secret as a plain-text body, or JSON on Accept: application/json. Errors are
 * application/problem+json with the status of their kind.
 */
import { readFileSync } from 'node:fs';
import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import { AppError, kindOfCode, OPAQUE_INTERNAL_MESSAGE } from '../../../common/errors';
import { readBody, BodyTooLarge, sendJson, sendText, sendProblem } from '../../../common/http';
import { schemaFile } from '../../../common/paths';
import type { Handler, RequestContext } from '../../../common/service';
import type { GatewayContext } from '../context';

const MAX_BODY_BYTES = 64 * 1024;
export const SHIM_OPERATION = readFileSync(schemaFile('operations/CreatePluginPaymentIntent.graphql'), 'utf8');

interface IntentData {
  createPluginPaymentIntent: {
    id: string;
    stripePaymentIntentId: string;
    clientSecret: string;
    status: string;
    amount: { amountMinor: string; currency: string; formatted: string };
    plugins: Array<{ id: string }>;
    createdAt: string;
  };
}

export function paymentIntentShim(
  apollo: ApolloServer<GatewayContext>,
  identify: (req: Parameters<Handler>[0], ctx: RequestContext) => Promise<GatewayContext>,
  problem: (res: Parameters<Handler>[1], err: AppError, requestId: string) => void,
): Handler {
  return async (req, res, ctx) => {
    const { requestId } = ctx;
    if (req.method !== 'POST') {
      req.resume();
      return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
    }
    let context: GatewayContext;
    try {
      context = await identify(req, ctx);
    } catch (err) {
      req.resume();
      return problem(res, asAppError(err), requestId);
    }
    let input: Record<string, unknown>;
    try {
      input = parseBody(await readBody(req, MAX_BODY_BYTES));
    } catch (err) {
      if (err instanceof BodyTooLarge) return sendProblem(res, { kind: 'BAD_USER_INPUT', code: 'INVALID_BODY', message: `The body must be at most ${MAX_BODY_BYTES} bytes.`, requestId }, {}, 413);
      return problem(res, asAppError(err), requestId);
    }

    const response = await apollo.executeOperation<IntentData>(
      { query: SHIM_OPERATION, operationName: 'CreatePluginPaymentIntent', variables: { input } },
      { contextValue: context },
    );
    if (response.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = response.body.singleResult;
    if (errors?.length || !data) return problemFromGraphQL(res, errors ?? [], requestId, response.http.headers);

    const intent = data.createPluginPaymentIntent;
    if (accepts(req.headers.accept, 'application/json')) {
      return sendJson(res, 200, {
        clientSecret: intent.clientSecret,
        paymentIntentId: intent.stripePaymentIntentId,
        ledgerEntryId: intent.id,
        status: intent.status,
        amountMinor: intent.amount.amountMinor,
        amount: intent.amount.formatted,
        currency: intent.amount.currency,
        plugins: intent.plugins.map((p) => p.id),
        createdAt: intent.createdAt,
      }, { 'cache-control': 'no-store' });
    }
    return sendText(res, 200, intent.clientSecret, { 'cache-control': 'no-store' });
  };
}

/** The legacy body: a JSON object with total (number), currency (string), plugins (array). */
export function parseBody(raw: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new AppError('MALFORMED_JSON', 'The body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('INVALID_BODY', 'The body must be a JSON object { "total": number, "currency": string, "plugins": [uuid] }.');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.total !== 'number') throw new AppError('INVALID_AMOUNT', 'total must be a number, e.g. 12.5.');
  if (typeof b.currency !== 'string') throw new AppError('INVALID_CURRENCY', 'currency must be a string, e.g. "usd".');
  if (!Array.isArray(b.plugins)) throw new AppError('INVALID_BODY', 'plugins must be an array of plugin ids.');
  if (!b.plugins.every((p) => typeof p === 'string')) throw new AppError('INVALID_PLUGIN_ID', 'every plugin id must be a UUID string.');
  const input: Record<string, unknown> = { total: b.total, currency: b.currency, plugins: b.plugins };
  if (b.idempotencyKey !== undefined) input.idempotencyKey = b.idempotencyKey;
  return input;
}

function problemFromGraphQL(res: Parameters<Handler>[1], errors: readonly GraphQLFormattedError[], requestId: string, head?: Map<string, string>): void {
  const first = errors[0];
  const code = first?.extensions?.code;
  const kind = kindOfCode(code);
  if (!first || kind === 'INTERNAL') {
    return sendProblem(res, { kind: 'INTERNAL', code: 'INTERNAL', message: OPAQUE_INTERNAL_MESSAGE, requestId });
  }
  const { code: _c, kind: _k, ...details } = first.extensions ?? {};
  const headers: Record<string, string> = {};
  if (typeof details.retryAfterSec === 'number') headers['retry-after'] = String(details.retryAfterSec);
  // The GraphQL refusal (e.g. the scope check's 403) put its challenge on the response head.
  const challenge = head?.get('www-authenticate');
  if (challenge && (kind === 'UNAUTHENTICATED' || kind === 'FORBIDDEN')) headers['www-authenticate'] = challenge;
  sendProblem(res, { kind, code: String(code), message: first.message, details, requestId }, headers);
}

function asAppError(err: unknown): AppError {
  return err instanceof AppError ? err : new AppError('INTERNAL', OPAQUE_INTERNAL_MESSAGE);
}

function accepts(header: string | undefined, type: string): boolean {
  return !!header && header.split(',').some((part) => part.trim().toLowerCase().startsWith(type));
}
