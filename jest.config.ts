import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testTimeout: 30_000,
  setupFiles: ['<rootDir>/__tests__/helpers/env.ts'],
  // nock keeps interceptors on globals; jest's soft clean-up of globals only warns about them.
  testEnvironmentOptions: { globalsCleanup: 'off' },
};

export default config;
