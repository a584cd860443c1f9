/**
 * What both subgraphs share: an Apollo subgraph built from its SDL file in schema/, served on
 * node:http behind the gateway-identity check, with errors masked to the closed set.
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { parse, type GraphQLFormattedError } from 'graphql';
import { AppError, OPAQUE_INTERNAL_MESSAGE, isErrorCode, kindOfCode } from './errors';
import { IDENTITY_HEADER, verifyIdentity, type Identity, type SigningKey } from './identity';
import { serveGraphQL } from './graphql-http';
import { sendJson } from './http';
import type { Handler } from './service';
import type { Logger } from './log';
import { schemaFile } from './paths';

export interface SubgraphContext extends BaseContext {
  /** The caller's id (the Auth0 token's `sub`), as vouched for by the gateway: `identity.clientId`. */
  CLIENT_ID: string;
  /** CLIENT_ID and friends (email, scopes), as vouched for by the gateway. */
  identity: Identity;
  /** The gateway's assertion, for calls this subgraph makes to other subgraphs on the caller's behalf. */
  identityAssertion: string;
  requestId: string;
  log: Logger;
}

export function buildSubgraphServer<C extends SubgraphContext>(opts: {
  sdlFile: string;
  resolvers: GraphQLResolverMap<C>;
  log: Logger;
}): ApolloServer<C> {
  const typeDefs = parse(readFileSync(schemaFile(opts.sdlFile), 'utf8'));
  return new ApolloServer<C>({
    schema: buildSubgraphSchema({ typeDefs, resolvers: opts.resolvers as GraphQLResolverMap<unknown> }),
    introspection: true,
    includeStacktraceInErrorResponses: false,
    formatError: (formatted, error) => maskError(formatted, error, opts.log),
  });
}

/** Our AppErrors pass with their code; Apollo's own client-error codes pass; the rest is opaque. */
export function maskError(formatted: GraphQLFormattedError, error: unknown, log: Logger): GraphQLFormattedError {
  const original = (error as { originalError?: unknown })?.originalError ?? error;
  if (original instanceof AppError) {
    return { message: original.message, path: formatted.path, extensions: { code: original.code, kind: original.kind, ...original.details } };
  }
  const code = formatted.extensions?.code;
  if (isErrorCode(code) && kindOfCode(code) !== 'INTERNAL') {
    return { message: formatted.message, path: formatted.path, extensions: formatted.extensions };
  }
  const kind = kindOfCode(code);
  if (kind !== 'INTERNAL' || code === 'BAD_USER_INPUT') {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code, kind: code === 'BAD_USER_INPUT' ? 'BAD_USER_INPUT' : kind } };
  }
  log.error('internal error in resolver', { err: original, path: formatted.path });
  return { message: OPAQUE_INTERNAL_MESSAGE, path: formatted.path, extensions: { code: 'INTERNAL', kind: 'INTERNAL' } };
}

/** The /graphql route: refuses (401) anything without a valid gateway assertion, before GraphQL runs. */
export function subgraphRoute<C extends SubgraphContext>(
  server: ApolloServer<C>,
  keys: SigningKey[],
  makeContext: (base: SubgraphContext, req: IncomingMessage) => C,
): Handler {
  return async (req, res, { requestId, log, annotate }) => {
    const assertion = req.headers[IDENTITY_HEADER];
    let identity: Identity;
    try {
      identity = await verifyIdentity(typeof assertion === 'string' ? assertion : undefined, keys);
    } catch (err) {
      const message = err instanceof AppError ? err.message : 'Unauthenticated';
      req.resume();
      return sendJson(res, 401, { errors: [{ message, extensions: { code: 'UNAUTHENTICATED', kind: 'UNAUTHENTICATED' } }] });
    }
    annotate({ clientId: identity.clientId });
    const requestLog = log.child({ clientId: identity.clientId });
    await serveGraphQL(server, req, res, async () =>
      makeContext({ CLIENT_ID: identity.clientId, identity, identityAssertion: assertion as string, requestId, log: requestLog }, req),
    );
  };
}
