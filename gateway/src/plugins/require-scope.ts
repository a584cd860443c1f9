/** Apollo Server plugin: the payment mutation needs a configured scope/permission (off when unset). */
import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import { requireScope } from '../auth/authenticate';
import type { GatewayContext } from '../context';
import type { AppError } from '../../../common/errors';

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
              throw (err as AppError).toGraphQLError();
            }
          }
        },
      };
    },
  };
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
