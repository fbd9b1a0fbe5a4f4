import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = '/work/main';
mkdirSync(root + '/tools/.bundle-an', { recursive: true });
writeFileSync(
  root + '/tools/.bundle-an/app.ts',
  process.argv[2] === 'react'
    ? `import { createIotTaskCore } from '@iot-task/client';
import { IotTaskClientProvider, useWatchTask } from '@iot-task/react';
import { jsx } from 'react/jsx-runtime';
const client = createIotTaskCore({ endpoint: '/api/iot', signatureVersion: 'none' });
function Task() { const { data } = useWatchTask('x'); return jsx('progress', { value: data?.Progress ?? 0, max: 100 }); }
export const App = () => jsx(IotTaskClientProvider, { client, children: jsx(Task, {}) });`
    : `import { createIotTaskCore, queryTask } from '@iot-task/client';
const core = createIotTaskCore({ endpoint: '/api/iot' });
queryTask(core, { TaskId: 'x' }).then((r) => console.log(r.Data.Status));`,
);
const sources: Record<string, string> = {
  '@iot-task/client': root + '/packages/client/src/index.ts',
  '@iot-task/react': root + '/packages/react/src/index.ts',
  '@iot-task/signing': root + '/packages/signing/src/index.ts',
  '@iot-task/spec': root + '/specs/generated/index.gen.ts',
};
const r = await build({
  entryPoints: [root + '/tools/.bundle-an/app.ts'],
  bundle: true,
  minify: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  outdir: '/tmp/an-out2',
  metafile: true,
  absWorkingDir: root + '/tools',
  logLevel: 'silent',
  write: false,
  external: ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query'],
  plugins: [
    {
      name: 'src',
      setup(b) {
        b.onResolve({ filter: /^@iot-task\/(client|signing|spec|react)$/ }, (a) => ({ path: sources[a.path] }));
      },
    },
  ],
});
const outs = r.metafile.outputs;
const entry = Object.keys(outs).find((o) => outs[o].entryPoint);
const initial = new Set<string>();
const visit = (o: string) => {
  if (initial.has(o)) return;
  initial.add(o);
  for (const i of outs[o].imports) if (i.kind === 'import-statement') visit(i.path);
};
visit(entry!);
let gz = 0;
const rows: [number, string][] = [];
for (const o of Object.keys(outs)) {
  const f = r.outputFiles.find((f) => f.path.endsWith(o.replace(/^(\.\.\/)+/, '/')));
  const g = f ? gzipSync(f.contents, { level: 9 }).byteLength : 0;
  if (initial.has(o)) gz += g;
  console.log(initial.has(o) ? 'INITIAL' : 'lazy', o, outs[o].bytes, 'gz', g);
  if (initial.has(o)) for (const [k, v] of Object.entries(outs[o].inputs)) rows.push([v.bytesInOutput, k]);
}
rows.sort((a, b) => b[0] - a[0]);
for (const [b, k] of rows) console.log(String(b).padStart(7), k);
console.log('initial gz', gz);
