#!/usr/bin/env node
// The bin is this file rather than dist/, so that npm links it even before the package is built
// (a fresh clone); a published package always has dist/.
try {
  await import('../dist/cli.mjs');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('cli.mjs')) throw error;
  console.error('iot-task-mock: not built yet; run `npm run build` (or `npm start`) in the repository first');
  process.exit(1);
}
