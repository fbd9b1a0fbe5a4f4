import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['generated/index.gen.ts', 'generated/documents.gen.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
});
