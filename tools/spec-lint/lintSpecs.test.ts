import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { actionDocuments } from './lintSpecs.ts';

const specs = path.resolve(import.meta.dirname, '..', '..', 'specs');

describe('which documents the spec lint covers', () => {
  it('every action document of every spec set, found on disk', async () => {
    expect((await actionDocuments(specs)).map((d) => path.relative(specs, d))).toEqual([
      'fixtures/job-family/ListTask.yaml',
      'fixtures/job-family/QueryJob.yaml',
      'iot-2018-01-20/QueryTask.yaml',
    ]);
  });

  it('a new document next to QueryTask is linted before anyone lists it', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'iot-task-spec-lint-'));
    try {
      await cp(path.join(specs, 'iot-2018-01-20'), path.join(root, 'iot-2018-01-20'), { recursive: true });
      await writeFile(
        path.join(root, 'iot-2018-01-20', 'ListJob.yaml'),
        'openapi: 3.1.0\ninfo: { title: t, version: "2018-01-20" }\npaths:\n  /: {}\n',
      );
      expect((await actionDocuments(root)).map((d) => path.relative(root, d))).toEqual([
        'iot-2018-01-20/ListJob.yaml',
        'iot-2018-01-20/QueryTask.yaml',
      ]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
