import { accessSync, constants } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chromiumExecutable } from './launchChromium.ts';

describe('the Chromium of the browser tests', () => {
  it('is the one npm ci installed, unpacked once into node_modules/.cache, whatever PATH holds', async () => {
    const first = await chromiumExecutable({ PATH: '/nowhere' });
    expect(first).toMatch(/node_modules\/\.cache\/iot-task-chromium\/\d+\.\d+\.\d+\/chromium$/);
    accessSync(first, constants.X_OK);
    expect(await chromiumExecutable({})).toBe(first);
  });

  it('a CHROMIUM_PATH that points nowhere: the npm Chromium, with one line naming the setting', async () => {
    const warnings: string[] = [];
    const chosen = await chromiumExecutable({ CHROMIUM_PATH: '/nowhere/chromium' }, (line) => warnings.push(line));
    expect(chosen).toBe(await chromiumExecutable({}));
    expect(warnings).toEqual([
      'CHROMIUM_PATH=/nowhere/chromium does not exist: using the Chromium npm ci installed instead',
    ]);
  });

  it('a CHROMIUM_PATH that exists is used as it is, without a word', async () => {
    const warnings: string[] = [];
    const chosen = await chromiumExecutable({ CHROMIUM_PATH: process.execPath }, (line) => warnings.push(line));
    expect(chosen).toBe(process.execPath);
    expect(warnings).toEqual([]);
  });
});
