/**
 * The gateway's formatError: what a client may see of an error. Subgraph errors keep their
 * stable code and safe details; anything unknown becomes an opaque INTERNAL error; a subgraph
 * that cannot be reached is UNAVAILABLE. Subgraph names and URLs, stack traces, variables and
 * the query never leave the gateway.
 */
import type { GraphQLFormattedError } from 'graphql';
import { kindOfCode, OPAQUE_INTERNAL_MESSAGE, isErrorCode, AppError } from '../../../common/errors';
import type { Logger } from '../../../common/log';

/** Extension keys a client may see; everything else (serviceName, stacktrace, exception...) goes. */
const SAFE_EXTENSION_KEYS = new Set([
  'code', 'kind', 'retryable', 'retryAfterSec', 'pluginId', 'pluginCurrency', 'index', 'expectedTotal',
  'expectedAmountMinor', 'currency', 'minimum', 'maximum', 'maxDecimals', 'maxPlugins', 'supportedCurrencies',
  'reason', 'requiredScope',
]);

const UNREACHABLE = /(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|socket hang up|request to .* failed|fetch failed|aborted|timeout)/i;

export function createErrorFormatter(log: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = (error as { originalError?: unknown })?.originalError;
    if (original instanceof AppError) {
      return { message: original.message, path: formatted.path, extensions: { code: original.code, kind: original.kind, ...original.details } };
    }
    const code = formatted.extensions?.code;
    if (isErrorCode(code) || kindOfCode(code) === 'BAD_USER_INPUT') {
      const extensions: Record<string, unknown> = { code, kind: isErrorCode(code) ? kindOfCode(code) : 'BAD_USER_INPUT' };
      for (const [k, v] of Object.entries(formatted.extensions ?? {})) if (SAFE_EXTENSION_KEYS.has(k) && k !== 'code' && k !== 'kind') extensions[k] = v;
      if (extensions.kind === 'INTERNAL') return opaque(formatted);
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
    }
    if (UNREACHABLE.test(formatted.message)) {
      log.warn('subgraph unreachable', { message: withoutUrls(formatted.message), path: formatted.path });
      return { message: 'A backing service is unavailable; try again shortly.', path: formatted.path, extensions: { code: 'UNAVAILABLE', kind: 'UNAVAILABLE', retryable: true } };
    }
    log.error('internal error', { message: withoutUrls(formatted.message), code, path: formatted.path });
    return opaque(formatted);
  };
}

function opaque(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return { message: OPAQUE_INTERNAL_MESSAGE, path: formatted.path, extensions: { code: 'INTERNAL', kind: 'INTERNAL' } };
}

/** Subgraph URLs stay out of logs too (they map the internal network). */
function withoutUrls(message: string): string {
  return message
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s,;'"]+/gi, '[url]')
    .replace(/\b(\d{1,3}(\.\d{1,3}){3}|localhost|\[[0-9a-f:]+\])(:\d+)?\b/gi, '[address]');
}
