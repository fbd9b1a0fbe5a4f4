import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsdown';

// One public entry per generated action (`@iot-task/client/actions/<Action>`), found on disk so
// that adding an action to the spec needs no edit here.
const actions = readdirSync(new URL('./src/generated/actions', import.meta.url));

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // The XML reader on its own entry, so the main one only loads it on demand.
    xml: 'src/xml.ts',
    // The generated hey-api client, for the SDK functions and TanStack helpers: not on the main entry.
    'hey-api': 'src/heyApi.ts',
    ...Object.fromEntries(actions.map((a) => [`actions/${a}`, `src/generated/actions/${a}/index.ts`])),
  },
  format: ['esm'],
  dts: true,
  clean: true,
});
