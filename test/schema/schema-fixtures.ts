/**
 * Schema-change fixtures (test/schema/fixtures/*.yaml): each is a set of text edits applied to a
 * temporary copy of the repo's schema files (rover.yaml, schema/), so fixtures follow the real
 * schema instead of freezing a copy of it.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { composeFromConfig } from '../../scripts/schema/composition';
import { acceptBaseline, defaultPaths, type CheckPaths } from '../../scripts/schema/check';
import type { Finding } from '../../scripts/schema/findings';

export const REPO = join(__dirname, '..', '..');
const FIXTURES = join(__dirname, 'fixtures');

interface Edit {
  file: string;
  replace: string;
  with: string;
}

type Expected = Pick<Finding, 'kind' | 'code' | 'path' | 'operation'>;

export interface SchemaFixture {
  name: string;
  description: string;
  /** Edits made before the baseline is cut: the "released" schema of this fixture. */
  baseline?: Edit[];
  edits?: Edit[];
  /** Recompose schema/supergraph.graphql after the edits, as a contributor would (default true). */
  compose?: boolean;
  expect: { ok: boolean; problems?: Expected[]; warnings?: Expected[]; acknowledged?: Expected[] };
}

export function loadFixtures(): SchemaFixture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ name: f.replace(/\.yaml$/, ''), ...(parseYaml(readFileSync(join(FIXTURES, f), 'utf8')) as Omit<SchemaFixture, 'name'>) }));
}

/** A temporary copy of the schema files with the fixture applied; remove it with cleanup(). */
export function applyFixture(fixture: SchemaFixture): { paths: CheckPaths; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `schema-${fixture.name}-`));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    cpSync(join(REPO, 'rover.yaml'), join(dir, 'rover.yaml'));
    cpSync(join(REPO, 'schema'), join(dir, 'schema'), { recursive: true });
    const paths = defaultPaths(dir);
    if (fixture.baseline?.length) {
      edit(dir, fixture.baseline);
      recompose(paths, true);
      const released = acceptBaseline(paths);
      if (!released.ok) throw new Error(`fixture ${fixture.name}: its baseline does not pass the check: ${JSON.stringify(released.problems)}`);
    }
    edit(dir, fixture.edits ?? []);
    if (fixture.compose !== false) recompose(paths, false);
    return { paths, cleanup };
  } catch (err) {
    cleanup();
    throw err;
  }
}

function edit(dir: string, edits: Edit[]) {
  for (const e of edits) {
    const file = join(dir, e.file);
    const text = readFileSync(file, 'utf8');
    const count = text.split(e.replace).length - 1;
    // A fixture whose anchor drifted must fail loudly, not silently test the unchanged schema.
    if (count !== 1) throw new Error(`${e.file}: expected exactly one ${JSON.stringify(e.replace)}, found ${count}`);
    writeFileSync(file, text.replace(e.replace, () => e.with));
  }
}

/** Writes the composed supergraph; when composition fails the old file stays, as with the CLI. */
function recompose(paths: CheckPaths, mustCompose: boolean) {
  const { supergraphSdl, errors } = composeFromConfig(paths.config);
  if (supergraphSdl) writeFileSync(paths.supergraph, supergraphSdl);
  else if (mustCompose) throw new Error(`baseline does not compose: ${JSON.stringify(errors)}`);
}

/** The fields a fixture asserts on, in a stable order. */
export function summarize(findings: Finding[]): Expected[] {
  return findings
    .map(({ kind, code, path, operation }) => (operation ? { kind, code, path, operation } : { kind, code, path }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}
