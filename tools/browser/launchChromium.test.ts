import { accessSync, constants } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChromiumUnavailableError, chromiumExecutable } from './launchChromium.ts';

describe('the Chromium of the browser tests', () => {
  it('is the one npm ci installed, unpacked once into node_modules/.cache, whatever PATH holds', async () => {
    const first = await chromiumExecutable({ PATH: '/nowhere' });
    expect(first).toMatch(/node_modules\/\.cache\/iot-task-chromium\/\d+\.\d+\.\d+\/chromium$/);
    accessSync(first, constants.X_OK);
    expect(await chromiumExecutable({})).toBe(first);
  });

  it('a CHROMIUM_PATH that points nowhere: one line naming it and the fix', async () => {
    const error = await chromiumExecutable({ CHROMIUM_PATH: '/nowhere/chromium' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChromiumUnavailableError);
    expect((error as Error).message).toBe(
      'CHROMIUM_PATH=/nowhere/chromium does not exist: point it at a Chromium binary, or unset it to use the one npm ci installs',
    );
  });
});
