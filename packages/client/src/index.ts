// Public entry of @iot-task/client. The runtime (signing, retries, quota, errors) wraps the
// generated SDK in ./generated; this file names every public export.
export type { Task, TaskProgress, TaskStatus } from './generated/actions/QueryTask/types.gen.ts';
