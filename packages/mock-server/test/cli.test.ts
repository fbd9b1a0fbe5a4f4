import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createIotTaskClient } from '@iot-task/client';
import { EXAMPLE_TASK_ID } from '@iot-task/msw';
import { describe, expect, it } from 'vitest';

const cli = path.resolve(import.meta.dirname, '..', 'bin', 'iot-task-mock.js');

function start(args: string[]): { child: ChildProcess; output: () => string; firstLines: Promise<string> } {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const firstLines = new Promise<string>((resolve, reject) => {
    const check = () => (output.includes('Press Ctrl+C') ? resolve(output) : undefined);
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
  // Tests that expect an early exit never wait for the banner.
  firstLines.catch(() => undefined);
  return { child, output: () => output, firstLines };
}

function exit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('iot-task-mock (the bin)', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`prints its URL and credentials, serves, and stops cleanly on ${signal}`, async () => {
      const { child, firstLines, output } = start([
        '--port',
        '0',
        '--access-key-id',
        'my-id',
        '--access-key-secret',
        'my-secret-1234',
      ]);
      const banner = await firstLines;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
      expect(url).toBeDefined();
      expect(banner).toContain('AccessKey ID:     my-id');
      expect(banner).toContain('**********1234 (as given)');
      expect(banner).not.toContain('my-secret-1234');
      const task = await createIotTaskClient({
        endpoint: url,
        credentials: { accessKeyId: 'my-id', accessKeySecret: 'my-secret-1234' },
      }).queryTask({ TaskId: EXAMPLE_TASK_ID });
      expect(task.Status).toBe('QUEUED');
      const exited = exit(child);
      child.kill(signal);
      expect(await exited).toBe(0);
      expect(output()).toContain('iot-task-mock: stopped');
    });
  }

  it('prints the default test credentials when none are given', async () => {
    const { child, firstLines } = start(['--port', '0']);
    expect(await firstLines).toContain('iot-task-test-secret (test credentials, not a secret)');
    const exited = exit(child);
    child.kill('SIGTERM');
    await exited;
  });

  it('bad arguments: one line, exit 2, no stack trace', async () => {
    const { child, output } = start(['--port', 'many']);
    expect(await exit(child)).toBe(2);
    expect(output().trim()).toBe('iot-task-mock: --port: expected 0–65535, received many. Run iot-task-mock --help.');
    const unknown = start(['--frobnicate']);
    expect(await exit(unknown.child)).toBe(2);
    expect(unknown.output()).toMatch(/^iot-task-mock: Unknown option '--frobnicate'/);
    expect(unknown.output()).not.toMatch(/\n\s+at /);
  });

  it('a port in use: one clear line, exit 1', async () => {
    const first = start(['--port', '0']);
    const port = /:(\d+)\n/.exec(await first.firstLines)?.[1] as string;
    const second = start(['--port', port]);
    expect(await exit(second.child)).toBe(1);
    expect(second.output()).toContain(`iot-task-mock: port ${port} is in use`);
    const exited = exit(first.child);
    first.child.kill('SIGTERM');
    await exited;
  });
});
