// jest runs the TypeScript sources through swc (no type-check; `npm test` runs tsc first).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  testTimeout: 30000,
  setupFilesAfterEnv: ['<rootDir>/spec/support/retry.ts'],
  maxWorkers: 2,
  reporters: ['default', '<rootDir>/spec/support/summary-reporter.js'],
};
