import path from 'node:path';

/**
 * Where the generators write, relative to an output root (the repository root for
 * `npm run generate`, a staging folder for `--check` and for the fixture test).
 */
export interface Layout {
  /** Bundled documents, openapi-typescript types and the action manifest (`@iot-task/spec`). */
  spec: string;
  /** hey-api fetch client, per-action SDK, types and zod schemas (`@iot-task/client`). */
  client: string;
  /** hey-api TanStack Query helpers (`@iot-task/react`). */
  react: string;
  /** Module specifier through which a file in `fromDir` (relative to the output root) imports an action's SDK. */
  clientActionModule(action: string, fromDir: string): string;
}

/** The product layout: what `npm run generate` writes and `generate:check` verifies. */
export const productLayout: Layout = {
  spec: 'specs/generated',
  client: 'packages/client/src/generated',
  react: 'packages/react/src/generated',
  clientActionModule: (action) => `@iot-task/client/actions/${action}`,
};

/** The product's spec set manifest. */
export const productSpecSet = 'specs/iot-2018-01-20/api.yaml';

/** A self-contained layout under one folder, where generated packages import each other relatively. */
export function standaloneLayout(base: string): Layout {
  const client = path.join(base, 'client');
  return {
    spec: path.join(base, 'spec'),
    client,
    react: path.join(base, 'react'),
    clientActionModule: (action, fromDir) =>
      toModuleSpecifier(path.relative(fromDir, path.join(client, 'actions', action, 'index.js'))),
  };
}

/** Every folder a layout owns; generation replaces their whole content. */
export function ownedFolders(layout: Layout): string[] {
  return [layout.spec, layout.client, layout.react];
}

function toModuleSpecifier(relative: string): string {
  const posix = relative.split(path.sep).join('/');
  return posix.startsWith('.') ? posix : `./${posix}`;
}
