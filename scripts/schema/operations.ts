/**
 * Validates the known client operations (schema/operations/*.graphql, among them the one the
 * REST shim sends) against the API schema, naming the operation and the coordinate at fault.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  parse,
  validate,
  visit,
  visitWithTypeInfo,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import type { Finding } from './findings';

export function checkOperations(schema: GraphQLSchema, dir: string, root = process.cwd()): Finding[] {
  const findings: Finding[] = [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.graphql')).sort();
  for (const name of files) {
    const file = relative(root, join(dir, name));
    let doc: DocumentNode;
    try {
      doc = parse(readFileSync(join(dir, name), 'utf8'));
    } catch (err) {
      findings.push({ kind: 'operation', code: 'GRAPHQL_PARSE_FAILED', path: file, message: (err as GraphQLError).message, file });
      continue;
    }
    const where = locate(schema, doc);
    for (const error of validate(schema, doc)) {
      const node = error.nodes?.[0];
      const at = node ? where.get(node) : undefined;
      const line = error.locations?.[0] ? `:${error.locations[0].line}:${error.locations[0].column}` : '';
      findings.push({
        kind: 'operation',
        code: 'GRAPHQL_VALIDATION_FAILED',
        path: at?.path ?? at?.operation ?? file,
        operation: at?.operation ?? operationNames(doc),
        file: file + line,
        message: error.message,
      });
    }
  }
  return findings;
}

function operationNames(doc: DocumentNode): string {
  return doc.definitions.map((d) => (d.kind === Kind.OPERATION_DEFINITION || d.kind === Kind.FRAGMENT_DEFINITION ? d.name?.value ?? '(anonymous)' : '')).filter(Boolean).join(', ');
}

/** For each node: the enclosing operation (or fragment) and the schema coordinate it refers to. */
function locate(schema: GraphQLSchema, doc: DocumentNode): Map<ASTNode, { operation: string; path?: string }> {
  const where = new Map<ASTNode, { operation: string; path?: string }>();
  const typeInfo = new TypeInfo(schema);
  let operation = '(anonymous)';
  visit(
    doc,
    visitWithTypeInfo(typeInfo, {
      enter(node) {
        if (node.kind === Kind.OPERATION_DEFINITION || node.kind === Kind.FRAGMENT_DEFINITION) operation = node.name?.value ?? '(anonymous)';
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        let path: string | undefined;
        if (node.kind === Kind.FIELD && parent) path = `${parent.name}.${node.name.value}`;
        else if (node.kind === Kind.ARGUMENT && parent && field) path = `${parent.name}.${field.name}(${node.name.value}:)`;
        else if (node.kind === Kind.OBJECT_FIELD) {
          const input = typeInfo.getParentInputType();
          if (input) path = `${getNamedType(input).name}.${node.name.value}`;
        } else if (node.kind === Kind.VARIABLE_DEFINITION || node.kind === Kind.NAMED_TYPE) {
          path = node.kind === Kind.NAMED_TYPE ? node.name.value : undefined;
        }
        where.set(node, { operation, path });
      },
    }),
  );
  return where;
}
