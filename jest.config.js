// Three tiers, told apart by name (STYLE.md): *.test.ts run without network; *.int.test.ts and
// test/e2e/ run against the real local stack, started once by test/helpers/global-setup.ts.
const transform = {
  '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
// jose 6 ships ES modules only; jest's module system needs them transpiled.
const transformIgnorePatterns = ['/node_modules/(?!(jose)/)'];
const ignored = ['/node_modules/', '/dist/', '/.cache/', '/.run/'];

module.exports = {
  // Only honoured at the top level; the e2e tier needs it (fault tests stop and start Cassandra).
  testTimeout: 120_000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/**/*.test.ts'],
      testPathIgnorePatterns: [...ignored, '\\.int\\.test\\.ts$', '/test/e2e/'],
      transform,
      transformIgnorePatterns,
    },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/**/*.int.test.ts', '<rootDir>/test/e2e/**/*.test.ts'],
      testPathIgnorePatterns: ignored,
      transform,
      transformIgnorePatterns,
      setupFilesAfterEnv: ['<rootDir>/test/helpers/after-each-file.ts'],
      globalSetup: '<rootDir>/test/helpers/global-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
    },
  ],
};
