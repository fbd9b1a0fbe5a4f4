import type { IotTaskError } from '@iot-task/client';
import { useWatchTask } from '@iot-task/react';
import { useState } from 'react';

function Task({ taskId }: { taskId: string }) {
  const { data: task, error, isPending } = useWatchTask(taskId, { pollIntervalMs: 300 });
  if (error) return <ErrorLine error={error} />;
  if (isPending) return <p aria-live="polite">Loading…</p>;
  return (
    <section aria-label="task">
      <p>
        Status: <strong data-testid="status">{task.Status}</strong>
      </p>
      <progress data-testid="progress" value={task.Progress ?? 0} max={100} />{' '}
      <span data-testid="percent">{task.Progress ?? 0}%</span>
      <p>
        {task.JobName} · {task.ProductKey}/{task.DeviceName}
      </p>
      {task.Message ? <p>{task.Message}</p> : null}
    </section>
  );
}

function ErrorLine({ error }: { error: IotTaskError }) {
  return (
    <p role="alert">
      {error.code}: {error.message}
      {error.requestId ? ` (RequestId ${error.requestId})` : ''}
    </p>
  );
}

/** Enter a TaskId, watch its status and progress move until it is done. */
export function TaskWatch({ initialTaskId }: { initialTaskId: string }) {
  const [draft, setDraft] = useState(initialTaskId);
  const [taskId, setTaskId] = useState<string | undefined>();
  return (
    <main>
      <h1>IoT task watch</h1>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTaskId(draft.trim());
        }}
      >
        <label>
          TaskId <input name="taskId" value={draft} onChange={(event) => setDraft(event.target.value)} />
        </label>{' '}
        <button type="submit">Watch</button>
      </form>
      {taskId ? <Task key={taskId} taskId={taskId} /> : null}
    </main>
  );
}
