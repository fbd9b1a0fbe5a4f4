import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts'],
  external: ['react', 'react/jsx-runtime', '@tanstack/react-query'],
  format: ['esm'],
  dts: true,
  clean: true,
});
