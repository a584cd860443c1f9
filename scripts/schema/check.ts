/**
 * The schema check run by CI (.ci/run) and by contributors:
 *
 *   npx tsx scripts/schema/check.ts                    fail (exit 1) on any problem below
 *   npx tsx scripts/schema/check.ts --accept-baseline  release: the checked supergraph becomes the baseline
 *   npx tsx scripts/schema/check.ts --root <dir>       check another copy of the repo's schema files
 *
 * Problems: the subgraphs do not compose; schema/supergraph.graphql is stale; the API schema
 * breaks clients of the released baseline (schema/baseline/supergraph.graphql) without an entry
 * in schema/breaking-changes.yaml; a known operation (schema/operations/*.graphql) no longer validates.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { composeFromConfig } from './composition';
import { apiSchemaOf } from './api-schema';
import { diffApiSchemas } from './breaking';
import { EMPTY_ACKNOWLEDGEMENTS, applyAcknowledgements, readAcknowledgements, snippetFor } from './acknowledgements';
import { checkOperations } from './operations';
import { formatFinding, type Finding } from './findings';

export interface CheckPaths {
  /** rover.yaml: the subgraphs, their routing URLs and SDL files. */
  config: string;
  /** The committed composed supergraph. */
  supergraph: string;
  /** The supergraph of the last release. */
  baseline: string;
  /** Known client operations, *.graphql. */
  operationsDir: string;
  /** Acknowledged breaking changes (YAML). */
  acknowledgements: string;
  /** For printing paths; defaults to the config's folder. */
  root?: string;
}

export function defaultPaths(root: string): CheckPaths {
  return {
    config: join(root, 'rover.yaml'),
    supergraph: join(root, 'schema', 'supergraph.graphql'),
    baseline: join(root, 'schema', 'baseline', 'supergraph.graphql'),
    operationsDir: join(root, 'schema', 'operations'),
    acknowledgements: join(root, 'schema', 'breaking-changes.yaml'),
    root,
  };
}

export interface CheckReport {
  ok: boolean;
  /** Each fails the check. */
  problems: Finding[];
  /** Dangerous changes and unused acknowledgements: printed, never fatal. */
  warnings: Finding[];
  hints: Finding[];
  /** Breaking changes let through by an acknowledgement. */
  acknowledged: Finding[];
  /** The supergraph the subgraph files compose to, when they do. */
  supergraphSdl?: string;
}

export function checkSchema(paths: CheckPaths): CheckReport {
  const root = paths.root ?? dirname(paths.config);
  const rel = (p: string) => relative(root, p) || p;
  const problems: Finding[] = [];
  const warnings: Finding[] = [];
  const acknowledged: Finding[] = [];
  const composition = composeFromConfig(paths.config);
  const report = (): CheckReport => ({ ok: problems.length === 0, problems, warnings, hints: composition.hints, acknowledged, supergraphSdl: composition.supergraphSdl });
  if (!composition.supergraphSdl) {
    problems.push(...composition.errors);
    return report();
  }

  const committed = existsSync(paths.supergraph) ? readFileSync(paths.supergraph, 'utf8') : '';
  if (committed !== composition.supergraphSdl) {
    const message = committed ? 'differs from what the subgraph files compose to: run `npm run schema:compose` and commit it' : 'missing: run `npm run schema:compose`';
    problems.push({ kind: 'stale', code: 'SUPERGRAPH_STALE', path: rel(paths.supergraph), message });
  }

  const api = apiSchemaOf(composition.supergraphSdl);

  if (!existsSync(paths.baseline)) {
    problems.push({ kind: 'baseline', code: 'BASELINE_MISSING', path: rel(paths.baseline), message: 'no released schema to compare with: run `npx tsx scripts/schema/check.ts --accept-baseline`' });
  } else {
    let baselineApi;
    try {
      baselineApi = apiSchemaOf(readFileSync(paths.baseline, 'utf8'));
    } catch (err) {
      problems.push({ kind: 'baseline', code: 'BASELINE_INVALID', path: rel(paths.baseline), message: (err as Error).message });
    }
    if (baselineApi) {
      const changes = diffApiSchemas(baselineApi, api);
      const acks = readAcknowledgements(paths.acknowledgements);
      problems.push(...acks.problems.map((p) => ({ ...p, path: rel(p.path) })));
      const applied = applyAcknowledgements(changes.breaking, acks.entries);
      problems.push(...applied.unacknowledged);
      acknowledged.push(...applied.acknowledged);
      warnings.push(...changes.dangerous);
      warnings.push(
        ...applied.unused.map((u): Finding => ({
          kind: 'acknowledgement',
          code: 'ACKNOWLEDGEMENT_UNUSED',
          path: u.path,
          message: `${rel(paths.acknowledgements)} acknowledges ${u.code} ${u.path}, which is not a breaking change against the baseline: remove the entry`,
        })),
      );
    }
  }

  problems.push(...checkOperations(api, paths.operationsDir, root));
  return report();
}

/**
 * Release: after a passing check, the committed supergraph becomes the baseline and the
 * acknowledgements (which were relative to the old baseline) are emptied.
 */
export function acceptBaseline(paths: CheckPaths): CheckReport {
  const report = checkSchema(paths);
  const blocking = report.problems.filter((p) => p.code !== 'BASELINE_MISSING');
  if (blocking.length) return { ...report, ok: false, problems: blocking };
  mkdirSync(dirname(paths.baseline), { recursive: true });
  copyFileSync(paths.supergraph, paths.baseline);
  writeFileSync(paths.acknowledgements, EMPTY_ACKNOWLEDGEMENTS);
  return { ...report, ok: true, problems: [] };
}

export function formatReport(report: CheckReport, paths: CheckPaths): string {
  const lines: string[] = [];
  const section = (title: string, items: Finding[]) => {
    if (items.length) lines.push(title, ...items.map(formatFinding));
  };
  section('hints (composition):', report.hints);
  section('warnings:', report.warnings);
  section('acknowledged breaking changes:', report.acknowledged);
  section(`problems (${report.problems.length}):`, report.problems);
  const breaking = report.problems.filter((p) => p.kind === 'breaking');
  if (breaking.length) {
    const file = relative(paths.root ?? process.cwd(), paths.acknowledgements);
    lines.push(`To accept these breaking changes on purpose, add to "acknowledged:" in ${file}:`, snippetFor(breaking).replace(/^/gm, '  ').trimEnd());
  }
  lines.push(report.ok ? 'schema check passed' : 'schema check FAILED');
  return lines.join('\n');
}

export function main(argv: string[]): number {
  const rootIndex = argv.indexOf('--root');
  const root = resolve(rootIndex >= 0 ? argv[rootIndex + 1] ?? '.' : join(__dirname, '..', '..'));
  const paths = defaultPaths(root);
  if (argv.includes('--accept-baseline')) {
    const report = acceptBaseline(paths);
    console.log(formatReport(report, paths));
    if (!report.ok) {
      console.error('baseline not moved: fix the problems above first');
      return 1;
    }
    console.log(`baseline moved: ${relative(root, paths.baseline)} is now the released schema; ${relative(root, paths.acknowledgements)} emptied`);
    return 0;
  }
  const report = checkSchema(paths);
  const text = formatReport(report, paths);
  (report.ok ? console.log : console.error)(text);
  return report.ok ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
