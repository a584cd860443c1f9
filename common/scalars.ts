import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

function parse(value: unknown): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) {
    throw new GraphQLError('Expected a UUID such as 4f1c2a9e-8d3b-4c6a-9e2f-1a2b3c4d5e6f', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value.toLowerCase();
}

export const UUIDScalar = new GraphQLScalarType({
  name: 'UUID',
  description: 'A UUID in its canonical textual form.',
  serialize: (value) => parse(typeof value === 'object' && value !== null ? String(value) : value),
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
