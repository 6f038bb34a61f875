/** Jest runs the pure TypeScript logic (no JupyterLab runtime) with ts-jest. */
module.exports = {
  preset: 'ts-jest',
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
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          esModuleInterop: true,
          jsx: 'react',
          strict: true,
          resolveJsonModule: true
        }
      }
    ]
  }
};
