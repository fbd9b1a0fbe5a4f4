import path from 'node:path';

/**
 * Where the generators write, relative to an output root (the repository root for
 * `npm run generate`, a staging folder for `--check` and for the fixture test).
 */
export interface Layout {
  /** Bundled documents, openapi-typescript types and the action manifest (`@iot-task/spec`). */
  spec: string;
  /** hey-api fetch client, per-action SDK and types (`@iot-task/client`). */
  client: string;
  /** hey-api TanStack Query helpers (`@iot-task/react`). */
  react: string;
  /** Typed per-action MSW handler factories (`@iot-task/msw`). */
  msw: string;
  /** Contract cases (`@iot-task/contract`). */
  contract: string;
  /** Module specifier through which a file in `fromDir` (relative to the output root) imports an action's SDK. */
  clientActionModule(action: string, fromDir: string): string;
  /** Module specifier of `@iot-task/spec`'s entry, seen from `fromDir`. */
  specModule(fromDir: string): string;
  /** Module specifier of the hand-written MSW runtime (`actionHandler`), seen from `fromDir`. */
  mswRuntimeModule(fromDir: string): string;
  /** Module specifier of the client's hand-written runtime for generated operations, seen from `fromDir`. */
  clientRuntimeModule(fromDir: string): string;
  /** Module specifier of the client's entry (React hooks import their operations from it), seen from `fromDir`. */
  clientModule(fromDir: string): string;
  /** Module specifier of the React package's hand-written runtime for generated hooks, seen from `fromDir`. */
  reactRuntimeModule(fromDir: string): string;
}

/** The product layout: what `npm run generate` writes and `generate:check` verifies. */
export const productLayout: Layout = {
  spec: 'specs/generated',
  client: 'packages/client/src/generated',
  react: 'packages/react/src/generated',
  msw: 'packages/msw/src/generated',
  contract: 'packages/contract/src/generated',
  clientActionModule: (action) => `@iot-task/client/actions/${action}`,
  specModule: () => '@iot-task/spec',
  mswRuntimeModule: () => '../actionHandler.ts',
  clientRuntimeModule: (fromDir) => toModuleSpecifier(path.relative(fromDir, 'packages/client/src/actionRuntime.ts')),
  clientModule: () => '@iot-task/client',
  reactRuntimeModule: (fromDir) => toModuleSpecifier(path.relative(fromDir, 'packages/react/src/actionQuery.ts')),
};

/** A self-contained layout under one folder, where generated packages import each other relatively. */
export function standaloneLayout(base: string, repoRoot: string, outRoot: string): Layout {
  const client = path.join(base, 'client');
  const spec = path.join(base, 'spec');
  const product = (fromDir: string, file: string) =>
    toModuleSpecifier(path.relative(path.join(outRoot, fromDir), path.join(repoRoot, file)));
  return {
    spec,
    client,
    react: path.join(base, 'react'),
    msw: path.join(base, 'msw'),
    contract: path.join(base, 'contract'),
    clientActionModule: (action, fromDir) =>
      toModuleSpecifier(path.relative(fromDir, path.join(client, 'actions', action, 'index.js'))),
    specModule: (fromDir) => toModuleSpecifier(path.relative(fromDir, path.join(spec, 'index.gen.js'))),
    // The fixture's generated code runs on the product's hand-written runtimes.
    mswRuntimeModule: (fromDir) => product(fromDir, 'packages/msw/src/actionHandler.ts'),
    clientRuntimeModule: (fromDir) => product(fromDir, 'packages/client/src/actionRuntime.ts'),
    clientModule: (fromDir) => toModuleSpecifier(path.relative(fromDir, path.join(client, 'operations.gen.js'))),
    reactRuntimeModule: (fromDir) => product(fromDir, 'packages/react/src/actionQuery.ts'),
  };
}

/** Every folder a layout owns; generation replaces their whole content. */
export function ownedFolders(layout: Layout): string[] {
  return [layout.spec, layout.client, layout.react, layout.msw, layout.contract];
}

function toModuleSpecifier(relative: string): string {
  const posix = relative.split(path.sep).join('/');
  return posix.startsWith('.') ? posix : `./${posix}`;
}
