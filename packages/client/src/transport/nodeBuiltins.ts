/**
 * Node's built-in modules, looked up at run time through `process.getBuiltinModule` so bundlers
 * for the browser never see a `node:` import. Undefined unless this is Node itself (Deno and Bun
 * emulate `process`, but their node:http is not what the Node send stage was measured on).
 */
export function nodeBuiltin<T>(id: `node:${string}`): T | undefined {
  const scope = globalThis as {
    process?: { versions?: { node?: string; bun?: string }; getBuiltinModule?: (id: string) => unknown };
    Deno?: unknown;
  };
  const get = scope.process?.getBuiltinModule;
  if (typeof get !== 'function' || !scope.process?.versions?.node || scope.process.versions.bun || scope.Deno) {
    return undefined;
  }
  return get(id) as T;
}
