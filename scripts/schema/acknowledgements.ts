/**
 * schema/breaking-changes.yaml: the breaking changes since the released baseline that were
 * accepted on purpose, each with the code and path the check printed and a reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml, stringify } from 'yaml';
import type { Finding } from './findings';

export interface Acknowledgement {
  code: string;
  path: string;
  reason: string;
}

export const EMPTY_ACKNOWLEDGEMENTS = `# Breaking changes to the API schema accepted on purpose since the last release
# (schema/baseline/supergraph.graphql). \`npx tsx scripts/schema/check.ts\` fails on any breaking change
# not listed here. Each entry: the code and path the check printed, and why clients are not hurt
# (or how they were told). Cutting a release baseline (--accept-baseline) empties the list.
#
# acknowledged:
#   - code: FIELD_REMOVED
#     path: Query.plugin
#     reason: No client calls it (checked in GraphOS usage); the storefront lists with Query.plugins.
acknowledged: []
`;

export function readAcknowledgements(file: string): { entries: Acknowledgement[]; problems: Finding[] } {
  if (!existsSync(file)) return { entries: [], problems: [] };
  const problems: Finding[] = [];
  const bad = (message: string): Finding => ({ kind: 'acknowledgement', code: 'ACKNOWLEDGEMENT_INVALID', path: file, message });
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    return { entries: [], problems: [bad(`not valid YAML: ${(err as Error).message}`)] };
  }
  const list = (raw as { acknowledged?: unknown } | null)?.acknowledged ?? [];
  if (!Array.isArray(list)) return { entries: [], problems: [bad('"acknowledged" must be a list')] };
  const entries: Acknowledgement[] = [];
  list.forEach((item: Partial<Acknowledgement> | null, i) => {
    const missing = (['code', 'path', 'reason'] as const).filter((k) => typeof item?.[k] !== 'string' || !item[k]!.trim());
    if (missing.length) problems.push(bad(`entry ${i + 1} has no ${missing.join(', ')}`));
    else entries.push({ code: item!.code!.trim(), path: item!.path!.trim(), reason: item!.reason!.trim() });
  });
  return { entries, problems };
}

export function applyAcknowledgements(breaking: Finding[], entries: Acknowledgement[]) {
  const key = (x: { code: string; path: string }) => `${x.code} ${x.path}`;
  const acknowledgedKeys = new Set(entries.map(key));
  const changedKeys = new Set(breaking.map(key));
  return {
    unacknowledged: breaking.filter((b) => !acknowledgedKeys.has(key(b))),
    acknowledged: breaking.filter((b) => acknowledgedKeys.has(key(b))),
    unused: entries.filter((e) => !changedKeys.has(key(e))),
  };
}

/** Entries to paste into the acknowledgement file, for a failing check's output. */
export function snippetFor(breaking: Finding[]): string {
  return stringify(breaking.map((b) => ({ code: b.code, path: b.path, reason: 'TODO: why clients are not hurt' })));
}
