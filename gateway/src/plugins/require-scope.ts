/** Apollo Server plugin: the payment mutation needs a configured scope/permission (off when unset). */
import { HeaderMap, type ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { publicDetails, requireScope, wwwAuthenticate } from '../auth/authenticate';
import type { GatewayContext } from '../context';
import { AppError } from '../../../common/errors';

export const PAYMENT_MUTATION_FIELD = 'createPluginPaymentIntent';

export function requireScopePlugin(scope: string | undefined): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      if (!scope) return {};
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          if (operation && touchesPayment(operation, document)) {
            try {
              requireScope(contextValue.identity, scope);
            } catch (err) {
              throw err instanceof AppError ? refusal(err) : err;
            }
          }
        },
      };
    },
  };
}

/**
 * Thrown in didResolveOperation, an error without extensions.http becomes a 500; this one carries
 * its own status and RFC 6750 challenge (Apollo lifts `http` into the response and drops it from
 * the body). The REST shim copies the challenge from the same response head.
 */
export function refusal(err: AppError): GraphQLError {
  // Typed loosely on purpose: graphql-yoga (a bench dependency) augments extensions.http with a
  // Record for headers, while Apollo Server reads a HeaderMap.
  const extensions: Record<string, unknown> = {
    code: err.code,
    kind: err.kind,
    ...publicDetails(err),
    http: { status: err.status, headers: new HeaderMap(Object.entries(wwwAuthenticate(err))) },
  };
  return new GraphQLError(err.message, { extensions });
}

/** Root fields of the mutation, through inline fragments and named fragment spreads. */
function touchesPayment(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  if (operation.operation !== 'mutation') return false;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode): boolean =>
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return s.name.value === PAYMENT_MUTATION_FIELD;
      if (s.kind === Kind.INLINE_FRAGMENT) return walk(s.selectionSet);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      const fragment = fragments.get(s.name.value);
      return fragment ? walk(fragment.selectionSet) : false;
    });
  return walk(operation.selectionSet);
}
