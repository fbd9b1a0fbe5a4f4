import { defineConfig } from 'tsdown';

export default defineConfig({
  // `encoding`: what an unsigned request needs (percent-encoding, the sorted query), on its own
  // entry so an app that never signs does not load the signers.
  entry: ['src/index.ts', 'src/encoding.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
});
