/**
 * Minified + gzipped size of an app that imports only queryTask, bundled by esbuild for the
 * browser: ours vs the official SDK.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export interface BundleResult {
  name: string;
  platform: 'browser' | 'node';
  /** What the page loads up front: the entry chunk and what it imports statically. */
  minifiedBytes: number;
  gzipBytes: number;
  /** Chunks loaded only through dynamic import() (XML reading, drift validation). */
  lazyGzipBytes: number;
  note?: string;
}

const apps = {
  '@iot-task/react (one hook, react and react-query excluded)': `import { createIotTaskCore } from '@iot-task/client';
import { IotTaskClientProvider, useWatchTask } from '@iot-task/react';
import { jsx } from 'react/jsx-runtime';
const client = createIotTaskCore({ endpoint: '/api/iot', signatureVersion: 'none' });
function Task() {
  const { data } = useWatchTask('MSnT9***q010101');
  return jsx('progress', { value: data?.Progress ?? 0, max: 100 });
}
export const App = () => jsx(IotTaskClientProvider, { client, children: jsx(Task, {}) });
`,
  '@iot-task/client': `import { createIotTaskCore, queryTask } from '@iot-task/client';
const core = createIotTaskCore({ endpoint: '/api/iot' });
queryTask(core, { TaskId: 'MSnT9***q010101' }).then((result) => console.log(result.Data.Status));
`,
  '@iot-task/client (createIotTaskClient: every action as a method)': `import { createIotTaskClient } from '@iot-task/client';
const client = createIotTaskClient({ endpoint: '/api/iot' });
client.queryTask({ TaskId: 'MSnT9***q010101' }).then((result) => console.log(result.Data.Status));
`,
  '@alicloud/iot20180120': `import Iot, { QueryTaskRequest } from '@alicloud/iot20180120';
import * as $OpenApi from '@alicloud/openapi-client';
const client = new Iot(new $OpenApi.Config({ accessKeyId: 'id', accessKeySecret: 'secret', regionId: 'cn-shanghai' }));
client.queryTask(new QueryTaskRequest({ taskId: 'MSnT9***q010101' })).then((r) => console.log(r.body.data.status));
`,
};

async function bundle(name: keyof typeof apps, dir: string, toolsDir: string): Promise<BundleResult> {
  const entry = path.join(dir, `${name.replace(/[^A-Za-z0-9]+/g, '_')}.ts`);
  await writeFile(entry, apps[name]);
  for (const platform of ['browser', 'node'] as const) {
    try {
      const result = await build({
        entryPoints: [entry],
        bundle: true,
        minify: true,
        splitting: true,
        format: 'esm',
        platform,
        outdir: path.join(dir, 'out', name.replace(/[^A-Za-z0-9]+/g, '_')),
        write: false,
        metafile: true,
        logLevel: 'silent',
        absWorkingDir: toolsDir,
        external: ['react', 'react-dom', 'react/jsx-runtime', '@tanstack/react-query'],
      });
      const outputs = result.metafile.outputs;
      const byPath = (p: string) => result.outputFiles.find((f) => f.path.endsWith(p));
      const entryOut = Object.entries(outputs).find(([, o]) => o.entryPoint !== undefined)?.[0];
      // The initial load: the entry and the closure of its static imports.
      const initial = new Set<string>();
      const visit = (out: string) => {
        if (initial.has(out)) return;
        initial.add(out);
        for (const i of outputs[out]?.imports ?? []) if (i.kind === 'import-statement') visit(i.path);
      };
      if (entryOut) visit(entryOut);
      let minifiedBytes = 0;
      let gzipBytes = 0;
      let lazyGzipBytes = 0;
      for (const out of Object.keys(outputs)) {
        const code = byPath(out)?.contents ?? new Uint8Array();
        const gz = gzipSync(code, { level: 9 }).byteLength;
        if (initial.has(out)) {
          minifiedBytes += code.byteLength;
          gzipBytes += gz;
        } else {
          lazyGzipBytes += gz;
        }
      }
      return {
        name,
        platform,
        minifiedBytes,
        gzipBytes,
        lazyGzipBytes,
        ...(platform === 'node'
          ? { note: 'does not bundle for the browser (Node built-ins); node-platform bundle shown' }
          : {}),
      };
    } catch (error) {
      if (platform === 'node') throw error;
    }
  }
  throw new Error('unreachable');
}

export type BundledApp = keyof typeof apps;

/**
 * Bundles each app against the packages of a workspace: this one, or (`root`) a scratch copy
 * whose packages were generated from another spec and built.
 */
export async function measureBundles(
  names: readonly BundledApp[] = Object.keys(apps) as BundledApp[],
  { root = path.resolve(import.meta.dirname, '..', '..') }: { root?: string } = {},
): Promise<BundleResult[]> {
  const toolsDir = path.join(root, 'tools');
  const dir = await mkdtemp(path.join(toolsDir, '.bundle-'));
  try {
    const results: BundleResult[] = [];
    for (const name of names) results.push(await bundle(name, dir, toolsDir));
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
