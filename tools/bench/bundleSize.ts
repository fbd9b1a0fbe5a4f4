/**
 * Minified + gzipped size of an app that imports only queryTask, bundled by esbuild for the
 * browser: ours vs the official SDK.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

export interface BundleResult {
  name: string;
  /** Minified bytes per source module in what loads up front, largest first (dist files of our packages). */
  modules: { module: string; bytes: number }[];
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
  // Through the app's own signing proxy (createSigningProxy): the browser holds no secret.
  '@iot-task/client': `import { createIotTaskCore, queryTask } from '@iot-task/client';
const core = createIotTaskCore({ endpoint: '/api/iot', signatureVersion: 'none' });
queryTask(core, { TaskId: 'MSnT9***q010101' }).then((result) => console.log(result.Data.Status));
`,
  // Signed in the browser, with the mock server's test credentials (never a real secret).
  '@iot-task/client (signed in the browser, test credentials)': `import { createIotTaskCore, queryTask } from '@iot-task/client';
const core = createIotTaskCore({ endpoint: '/iot', credentials: { accessKeyId: 'iot-task-test-key', accessKeySecret: 'iot-task-test-secret' } });
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

/** Our packages' source entries, for a breakdown by source module instead of by dist file. */
function sourcesPlugin(root: string): Plugin {
  const entries: Record<string, string> = {
    '@iot-task/client': 'packages/client/src/index.ts',
    '@iot-task/react': 'packages/react/src/index.ts',
    '@iot-task/signing': 'packages/signing/src/index.ts',
    '@iot-task/signing/encoding': 'packages/signing/src/encoding.ts',
    '@iot-task/spec': 'specs/generated/index.gen.ts',
  };
  return {
    name: 'iot-task-sources',
    setup(build) {
      build.onResolve({ filter: /^@iot-task\// }, (args) => {
        const entry = entries[args.path];
        return entry ? { path: path.join(root, entry) } : undefined;
      });
    },
  };
}

async function bundle(
  name: keyof typeof apps,
  dir: string,
  toolsDir: string,
  fromSources: boolean,
): Promise<BundleResult> {
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
        plugins: fromSources ? [sourcesPlugin(path.dirname(toolsDir))] : [],
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
      const modules = new Map<string, number>();
      for (const out of Object.keys(outputs)) {
        const code = byPath(out)?.contents ?? new Uint8Array();
        const gz = gzipSync(code, { level: 9 }).byteLength;
        if (initial.has(out)) {
          minifiedBytes += code.byteLength;
          gzipBytes += gz;
          for (const [input, { bytesInOutput }] of Object.entries(outputs[out]?.inputs ?? {})) {
            const name = /(^|\/)\.bundle-/.test(input)
              ? '(the app itself)'
              : input.replace(/^.*?node_modules\//, '').replace(/^(\.\.\/)+/, '');
            modules.set(name, (modules.get(name) ?? 0) + bytesInOutput);
          }
        } else {
          lazyGzipBytes += gz;
        }
      }
      return {
        name,
        platform,
        modules: [...modules]
          .map(([module, bytes]) => ({ module, bytes }))
          .filter((m) => m.bytes > 0)
          .sort((a, b) => b.bytes - a.bytes),
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
 * Writes the browser bundle of one app (entry `app.js` and its chunks) into `outdir`, exactly as
 * it is measured, so a test can run it in a browser.
 */
export async function writeBrowserBundle(name: BundledApp, outdir: string): Promise<void> {
  const toolsDir = path.resolve(import.meta.dirname, '..');
  const dir = await mkdtemp(path.join(toolsDir, '.bundle-'));
  try {
    const entry = path.join(dir, 'app.ts');
    await writeFile(entry, apps[name]);
    await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      outdir,
      logLevel: 'silent',
      absWorkingDir: toolsDir,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Bundles each app against the packages of a workspace: this one, or (`root`) a scratch copy
 * whose packages were generated from another spec and built. `fromSources` bundles our packages
 * from their TypeScript sources, for a breakdown by module (within a few bytes of the dist build).
 */
export async function measureBundles(
  names: readonly BundledApp[] = Object.keys(apps) as BundledApp[],
  {
    root = path.resolve(import.meta.dirname, '..', '..'),
    fromSources = false,
  }: { root?: string; fromSources?: boolean } = {},
): Promise<BundleResult[]> {
  const toolsDir = path.join(root, 'tools');
  const dir = await mkdtemp(path.join(toolsDir, '.bundle-'));
  try {
    const results: BundleResult[] = [];
    for (const name of names) results.push(await bundle(name, dir, toolsDir, fromSources));
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
