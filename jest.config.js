/**
 * Jest runs the pure TypeScript logic (no JupyterLab runtime). swc only strips the types (a
 * fraction of ts-jest's time); `jlpm typecheck` (tsconfig.test.json, part of `jlpm lint:check`
 * and so of scripts/lint) type-checks the tests and the sources they import.
 */
module.exports = {
  testEnvironment: 'node',
  testRegex:
    'src/.*/__tests__/.*\\.spec\\.tsx?$|src/__tests__/.*\\.spec\\.tsx?$',
  modulePathIgnorePatterns: [
    '<rootDir>/runnable_jupyter/labextension',
    '<rootDir>/lib',
    '<rootDir>/ui-tests'
  ],
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'classic' } }
        },
        module: { type: 'commonjs' }
      }
    ]
  }
};
