import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

// A real browser against real servers: real time, with generous bounds.
export default mergeConfig(
  shared,
  defineConfig({ test: { include: ['e2e/**/*.e2e.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } }),
);
