import type { Config } from 'jest';

/**
 * The soak (20,000 requests through faults) proves endurance, not behaviour the other tests
 * miss, and takes tens of seconds: `npm run test:soak` runs it, and CI runs that as its own step.
 */
const SOAK = '<rootDir>/__tests__/reliability/soak\\.test\\.ts$';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', SOAK],
  // ts-jest reads `isolatedModules: true` from tsconfig.json and only transpiles each file (no
  // type-check per file): `npm run typecheck` type-checks lib/ and __tests__/ as one project.
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  // Jest's default on a 2-core machine is one worker, in band: most files wait on sockets and
  // child processes, so a worker per core finishes in about half the time.
  maxWorkers: '100%',
  testTimeout: 30_000,
  setupFiles: ['<rootDir>/__tests__/helpers/env.ts'],
  // nock keeps interceptors on globals; jest's soft clean-up of globals only warns about them.
  testEnvironmentOptions: { globalsCleanup: 'off' },
};

export default config;
