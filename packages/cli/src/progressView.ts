import type { TaskResult } from '@iot-task/client';

export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressView {
  /** A polled task. */
  update(task: TaskResult): void;
  /** The watch ended: with the final task, or without one (error, timeout). */
  finish(task: TaskResult | undefined): void;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const BAR = 24;

function bar(progress: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, progress)) / 100) * BAR);
  return `[${'█'.repeat(filled)}${'░'.repeat(BAR - filled)}]`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/**
 * On a terminal: one status line with a progress bar, redrawn in place (and a spinner that
 * keeps turning between polls). Elsewhere (a pipe, a file, CI logs): a plain timestamped line
 * each time the status or progress changes.
 */
export function createProgressView(stream: OutputStream, now: () => number = Date.now): ProgressView {
  const started = now();
  let last: TaskResult | undefined;
  let polls = 0;
  if (stream.isTTY) {
    let frame = 0;
    const draw = (task: TaskResult | undefined, mark?: string) => {
      const status = (task?.Status ?? 'waiting').padEnd(11);
      const progress = task?.Progress ?? 0;
      const where = [task?.JobName, task?.DeviceName].filter(Boolean).join(' · ');
      const head = `${mark ?? SPINNER[frame % SPINNER.length]} ${status} ${bar(progress)} ${String(progress).padStart(3)}%`;
      const tail = `  ${seconds(now() - started)}`;
      // On a narrow terminal the job and device go first, never the status or the time.
      const room = (stream.columns || 120) - 1 - [...head].length - tail.length;
      const middle = where && room >= where.length + 2 ? `  ${where}` : '';
      stream.write(`\r\u001b[2K${head}${middle}${tail}`);
    };
    const timer = setInterval(() => {
      frame++;
      draw(last);
    }, 100);
    timer.unref?.();
    draw(undefined);
    return {
      update(task) {
        last = task;
        polls++;
        draw(task);
      },
      finish(task) {
        clearInterval(timer);
        const mark = task === undefined ? '✖' : task.Status === 'SUCCEEDED' ? '✔' : '✖';
        draw(task ?? last, mark);
        stream.write(`\n${task?.Message && task.Status !== 'SUCCEEDED' ? `  ${task.Message}\n` : ''}`);
      },
    };
  }
  return {
    update(task) {
      polls++;
      if (last && last.Status === task.Status && last.Progress === task.Progress) return;
      last = task;
      const message = task.Message ? ` ${task.Message}` : '';
      stream.write(`${new Date(now()).toISOString()} ${task.Status} ${task.Progress ?? 0}%${message}\n`);
    },
    finish(task) {
      if (task)
        stream.write(
          `${new Date(now()).toISOString()} finished ${task.Status} after ${polls} poll(s) in ${seconds(now() - started)}\n`,
        );
    },
  };
}
