import { readdirSync } from 'node:fs';
import { defineConfig } from 'tsdown';

// One public entry per generated action (`@iot-task/client/actions/<Action>`), found on disk so
// that adding an action to the spec needs no edit here.
const actions = readdirSync(new URL('./src/generated/actions', import.meta.url));

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    ...Object.fromEntries(actions.map((a) => [`actions/${a}`, `src/generated/actions/${a}/index.ts`])),
  },
  format: ['esm'],
  dts: true,
  clean: true,
});
