import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchChromium } from '@iot-task/tools/launchChromium';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExample } from '../server.ts';

const SCREENSHOTS = path.join(import.meta.dirname, 'screenshots');
const TASK = 'MSnT9***q010101';

let browser: Browser;
let example: Awaited<ReturnType<typeof startExample>>;

beforeAll(async () => {
  await mkdir(SCREENSHOTS, { recursive: true });
  example = await startExample();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await example?.close();
});

/** Watches a task in the page; returns every status the page showed, in order, and the final progress. */
async function watch(page: Page, taskId: string): Promise<{ statuses: string[]; progress: number; percent: string }> {
  await page.getByLabel('TaskId').fill(taskId);
  await page.getByRole('button', { name: 'Watch' }).click();
  const statuses: string[] = [];
  const progress: number[] = [];
  for (let i = 0; i < 200; i++) {
    const status = (await page.getByTestId('status').textContent({ timeout: 10_000 })) ?? '';
    const value = await page.getByTestId('progress').evaluate((el) => (el as HTMLProgressElement).value);
    if (statuses.at(-1) !== status) statuses.push(status);
    progress.push(value);
    if (['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELLED'].includes(status)) break;
    await page.waitForTimeout(100);
  }
  return {
    statuses,
    progress: progress.at(-1) ?? -1,
    percent: (await page.getByTestId('percent').textContent()) ?? '',
  };
}

describe('the example app in headless Chromium', () => {
  it('through the signing proxy: the progress bar moves to SUCCEEDED; the browser never holds a credential', async () => {
    const page = await browser.newPage();
    const sent: string[] = [];
    page.on('request', (request) => sent.push(request.url()));
    await page.goto(example.url);
    const result = await watch(page, TASK);
    expect(result.statuses[0]).toMatch(/QUEUED|SENT/);
    expect(result.statuses).toContain('IN_PROGRESS');
    expect(result.statuses.at(-1)).toBe('SUCCEEDED');
    expect(result.progress).toBe(100);
    expect(result.percent).toBe('100%');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'proxy-succeeded.png') });
    const api = sent.filter((url) => url.includes('/api/iot'));
    expect(api.length).toBeGreaterThan(3);
    for (const url of api) expect(url).not.toMatch(/AccessKeyId|Signature|test-key/);
    await page.close();
  });

  it('through the signing proxy: a failing task ends FAILED with its message', async () => {
    await fetch(`${example.mock.url}/__mock/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ TaskId: 'T-fails', scenario: 'fails' }),
    });
    const page = await browser.newPage();
    await page.goto(example.url);
    const result = await watch(page, 'T-fails');
    expect(result.statuses.at(-1)).toBe('FAILED');
    expect(await page.getByText('device reported an error').count()).toBe(1);
    await page.close();
  });

  it("in MSW's service worker (setupWorker): the same app, answered in the browser", async () => {
    const page = await browser.newPage();
    const before = example.mock.mock.log.length;
    await page.goto(`${example.url}/?mock=worker`);
    const result = await watch(page, TASK);
    expect(result.statuses).toContain('IN_PROGRESS');
    expect(result.statuses.at(-1)).toBe('SUCCEEDED');
    expect(result.progress).toBe(100);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'worker-succeeded.png') });
    // Nothing reached the mock server: the worker answered.
    expect(example.mock.mock.log.length).toBe(before);
    await page.close();
  });
});
