#!/usr/bin/env node
import { EXIT } from './exitCodes.ts';
import { main, type StopReason } from './main.ts';

const stop = new AbortController();
const FORCE_AFTER_MS = 2000;

// A signal stops the run cleanly (the embedded mock closes, the view ends its line); if that
// takes longer than 2 s, or a second signal comes, the process ends anyway.
function onSignal(signal: 'SIGINT' | 'SIGTERM'): void {
  const code = signal === 'SIGTERM' ? EXIT.terminated : EXIT.interrupted;
  if (stop.signal.aborted) process.exit(code);
  stop.abort(signal satisfies StopReason);
  setTimeout(() => process.exit(code), FORCE_AFTER_MS).unref();
}
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

// The reader of stdout went away (`iot-task watch … | head -1`): stop quietly, as SIGPIPE would.
// Any other failure of stdout (a full disk, a closed descriptor): stop, and say so in one line.
let pipeClosed = false;
let outputFailed: string | undefined;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  pipeClosed = true;
  if (error.code !== 'EPIPE') outputFailed ??= error.code ?? error.message;
  if (!stop.signal.aborted) stop.abort((error.code === 'EPIPE' ? 'EPIPE' : 'OUTPUT') satisfies StopReason);
});
process.stderr.on('error', () => undefined);
const stdout = {
  get isTTY() {
    return process.stdout.isTTY;
  },
  get columns() {
    return process.stdout.columns;
  },
  write: (text: string) => (pipeClosed ? false : process.stdout.write(text)),
};

const code = await main({
  argv: process.argv.slice(2),
  env: process.env,
  stdout,
  stderr: process.stderr,
  signal: stop.signal,
});
process.exitCode = code;
// A failed write is reported after the write: settle the exit code when the process ends.
process.on('exit', () => {
  if (outputFailed !== undefined) {
    process.stderr.write(`iot-task: could not write the output (${outputFailed}); it is incomplete\n`);
    process.exitCode = EXIT.error;
  } else if (pipeClosed && process.argv[2] !== 'mock') {
    process.exitCode = EXIT.brokenPipe;
  }
});
