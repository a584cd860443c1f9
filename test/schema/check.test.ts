import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { checkSchema, defaultPaths, formatReport } from '../../scripts/schema/check';
import { REPO, applyFixture, loadFixtures, summarize } from './schema-fixtures';

const fixtures = loadFixtures();

describe('schema check on fixtures', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s', (_name, fixture) => {
    const { paths, cleanup } = applyFixture(fixture);
    try {
      const report = checkSchema(paths);
      const explain = formatReport(report, paths);
      expect({ ok: report.ok, problems: summarize(report.problems) }).toEqual({ ok: fixture.expect.ok, problems: summarize((fixture.expect.problems ?? []) as never) });
      expect(summarize(report.warnings)).toEqual(summarize((fixture.expect.warnings ?? []) as never));
      expect(summarize(report.acknowledged)).toEqual(summarize((fixture.expect.acknowledged ?? []) as never));
      // Every problem is printed with its code and coordinate.
      for (const p of report.problems) expect(explain).toContain(`${p.code} ${p.path}`);
    } finally {
      cleanup();
    }
  });

  it('covers each case the issue names', () => {
    const names = fixtures.map((f) => f.name);
    for (const required of [
      'real-schema',
      'add-optional-field',
      'remove-field-used-by-operation',
      'input-float-made-non-null',
      'required-input-field-added',
      'field-type-changed',
      'composition-conflict',
      'acknowledged-breaking-change',
      'stale-supergraph',
    ]) {
      expect(names).toContain(required);
    }
  });
});

describe('the repository schema', () => {
  it('passes the check in process', () => {
    const report = checkSchema(defaultPaths(REPO));
    expect(report.problems).toEqual([]);
  });

  it('passes the check command, and the command exits 1 with readable output on a broken copy', () => {
    const tsx = join(REPO, 'node_modules', '.bin', 'tsx');
    const check = join(REPO, 'scripts', 'schema', 'check.ts');
    expect(execFileSync(tsx, [check], { cwd: REPO, encoding: 'utf8' })).toContain('schema check passed');

    const { paths, cleanup } = applyFixture(fixtures.find((f) => f.name === 'remove-field-used-by-operation')!);
    try {
      let failure: { status: number; stderr: string } | undefined;
      try {
        execFileSync(tsx, [check, '--root', paths.root!], { cwd: REPO, encoding: 'utf8', stdio: 'pipe' });
      } catch (err) {
        failure = err as { status: number; stderr: string };
      }
      expect(failure?.status).toBe(1);
      expect(failure?.stderr).toContain('breaking FIELD_REMOVED Plugin.name');
      expect(failure?.stderr).toMatch(/operation GRAPHQL_VALIDATION_FAILED Plugin\.name in operation Catalog \(schema\/operations\/Catalog\.graphql:\d+:\d+\)/);
      expect(failure?.stderr).toContain('schema check FAILED');
    } finally {
      cleanup();
    }
  }, 60_000);
});
