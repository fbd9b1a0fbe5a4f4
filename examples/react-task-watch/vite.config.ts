import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { defineConfig } from 'vite';

const require = createRequire(import.meta.url);

export default defineConfig({
  plugins: [
    {
      // MSW's service worker, from the installed msw (so it always matches its version).
      name: 'msw-service-worker',
      generateBundle() {
        this.emitFile({
          type: 'asset',
          fileName: 'mockServiceWorker.js',
          source: readFileSync(require.resolve('msw/mockServiceWorker.js')),
        });
      },
    },
  ],
  build: { target: 'es2022' },
});
