// The config of the proof that runs inside a scratch workspace (proveEveryAction.ts).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['scratch/everyAction.proof.tsx'],
    environment: 'jsdom',
    testTimeout: 30_000,
  },
});
