/**
 * Compares a subgraph's `_service { sdl }` with its schema file: used on the in-process server
 * (test/schema/service-sdl.test.ts) and on the running one (test/e2e/service-sdl.e2e.test.ts).
 */
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode } from 'graphql';

/**
 * Drops what federation adds to every subgraph (the schema definition, link__/federation__
 * definitions, _Any/_Service/_Entity, Query._entities/_service, the imported directives'
 * definitions), then prints definitions sorted by name. Field order, types, arguments,
 * descriptions and applied directives are kept, so a field added on one side shows.
 */
export function normalizeSubgraphSdl(sdl: string, importedDirectives: Set<string>): string {
  const doc = parse(sdl);
  const added = (name: string) => /^(link__|federation__)/.test(name) || ['_Any', '_Service', '_Entity', 'link'].includes(name);
  const definitions = doc.definitions
    .filter((d) => d.kind !== Kind.SCHEMA_DEFINITION)
    .filter((d) => !('name' in d && d.name && added(d.name.value)))
    .filter((d) => !(d.kind === Kind.DIRECTIVE_DEFINITION && importedDirectives.has(d.name.value)))
    .map((d): DefinitionNode => {
      if (d.kind !== Kind.OBJECT_TYPE_DEFINITION || d.name.value !== 'Query') return d;
      return { ...d, fields: d.fields?.filter((f) => !['_entities', '_service'].includes(f.name.value)) };
    })
    .filter((d) => !(d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Query' && !d.fields?.length));
  const sorted: DocumentNode = { kind: Kind.DOCUMENT, definitions: [...definitions].sort((a, b) => key(a).localeCompare(key(b))) };
  // "..." and """...""" descriptions are the same string.
  return print(visit(sorted, { StringValue: (node) => ({ ...node, block: false }) }));
}

const key = (d: DefinitionNode) => `${d.kind} ${'name' in d && d.name ? d.name.value : ''}`;

/** The directives a subgraph file imports with @link(import: [...]). */
export function importedDirectives(sdl: string): Set<string> {
  const names = new Set<string>();
  visit(parse(sdl), {
    Directive(node) {
      if (node.name.value !== 'link') return;
      const imports = node.arguments?.find((a) => a.name.value === 'import')?.value;
      if (imports?.kind !== Kind.LIST) return;
      for (const v of imports.values) if (v.kind === Kind.STRING) names.add(v.value.replace(/^@/, ''));
    },
  });
  return names;
}
