import { Supergraph } from '@apollo/federation-internals';
import type { GraphQLSchema } from 'graphql';

/**
 * The schema clients see: the supergraph without join__/link__ machinery and @inaccessible
 * elements. @apollo/federation-internals is the version @apollo/composition pins (2.14.4).
 */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}
