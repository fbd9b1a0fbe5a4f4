import type { TaskResult } from '@iot-task/client';

/** A task as a two-column table for people; `--json` prints the typed result instead. */
export function formatTask(task: TaskResult): string {
  const rows: [string, string | undefined][] = [
    ['Task', task.TaskId],
    ['Status', task.Status],
    ['Progress', task.Progress === undefined ? undefined : `${task.Progress}%`],
    ['Job', task.JobName === undefined ? task.JobId : `${task.JobName}${task.JobId ? ` (${task.JobId})` : ''}`],
    [
      'Device',
      task.DeviceName === undefined
        ? task.IotId
        : `${task.ProductKey ? `${task.ProductKey}/` : ''}${task.DeviceName}${task.IotId ? ` (${task.IotId})` : ''}`,
    ],
    ['Message', task.Message],
    ['Detail', task.StatusDetail],
    ['Queued', task.UtcQueueTime],
    ['Modified', task.UtcModified],
  ];
  return rows
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '')
    .map(([label, value]) => `${label.padEnd(10)}${value}`)
    .join('\n');
}
