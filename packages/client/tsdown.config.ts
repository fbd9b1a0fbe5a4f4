import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'tsdown';

// One public entry per generated action (`@iot-task/client/actions/<Action>`: hey-api's SDK and
// types), found on disk so that adding, renaming or removing an action needs no edit here; a
// folder without its entry module (left over, or half generated) is no action.
const generated = new URL('./src/generated/actions/', import.meta.url);
const actions = existsSync(generated)
  ? readdirSync(generated).filter((a) => existsSync(new URL(`${a}/index.ts`, generated)))
  : [];

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    // The XML reader on its own entry, so the main one only loads it on demand.
    xml: 'src/xml.ts',
    // Text made safe for a terminal (escape sequences shown, not obeyed), for the CLIs of the kit.
    terminalText: 'src/terminalText.ts',
    // The generated hey-api client, for hey-api's SDK functions: not on the main entry.
    'hey-api': 'src/heyApi.ts',
    ...Object.fromEntries(actions.map((a) => [`actions/${a}`, `src/generated/actions/${a}/index.ts`])),
  },
  format: ['esm'],
  // The spec's descriptors are compiled in (what the client uses of them), so the client installs
  // as two packages (itself and @iot-task/signing), not three (decisions/install-footprint.md).
  noExternal: [/^@iot-task\/spec$/],
  dts: true,
  clean: true,
});
