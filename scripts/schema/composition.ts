/** Composition of rover.yaml's subgraphs with @apollo/composition, as structured findings. */
import { composeServices } from '@apollo/composition';
import { parse, GraphQLError } from 'graphql';
import { readRoverConfig, withUrlOverrides, type SubgraphSource } from './rover-config';
import { coordinateIn, type Finding } from './findings';

export interface Composition {
  supergraphSdl?: string;
  errors: Finding[];
  hints: Finding[];
}

export function composeSubgraphs(subgraphs: SubgraphSource[]): Composition {
  const parsed: Array<{ name: string; url: string; typeDefs: ReturnType<typeof parse> }> = [];
  const errors: Finding[] = [];
  for (const s of subgraphs) {
    try {
      parsed.push({ name: s.name, url: s.routingUrl, typeDefs: parse(s.sdl) });
    } catch (err) {
      const message = err instanceof GraphQLError ? err.message : String(err);
      errors.push({ kind: 'composition', code: 'INVALID_GRAPHQL', path: s.name, message, file: s.schemaFile });
    }
  }
  if (errors.length) return { errors, hints: [] };
  const result = composeServices(parsed);
  const hints: Finding[] = (result.hints ?? []).map((h) => ({
    kind: 'hint',
    code: h.definition.code,
    path: h.coordinate ?? coordinateIn(h.message) ?? '(supergraph)',
    message: h.message,
  }));
  if (result.errors) {
    return {
      hints,
      errors: result.errors.map((e) => ({
        kind: 'composition',
        code: String(e.extensions?.code ?? 'COMPOSITION_ERROR'),
        path: coordinateIn(e.message) ?? '(supergraph)',
        message: e.message,
      })),
    };
  }
  return { supergraphSdl: result.supergraphSdl + '\n', errors: [], hints };
}

/** Composes rover.yaml's subgraphs; pass env to apply SUBGRAPH_URL_<NAME> overrides. */
export function composeFromConfig(configPath: string, env?: Record<string, string | undefined>): Composition {
  const { subgraphs } = readRoverConfig(configPath);
  return composeSubgraphs(env ? withUrlOverrides(subgraphs, env) : subgraphs);
}
