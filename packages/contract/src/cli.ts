#!/usr/bin/env node
import { EXIT_BROKEN_PIPE, runContractCli } from './runContractCli.ts';

// The reader of stdout went away (`iot-task-contract | head -1`): stop quietly, as SIGPIPE would.
const closed = new AbortController();
process.stdout.on('error', () => closed.abort());
process.stderr.on('error', () => undefined);
const write = (stream: NodeJS.WriteStream) => (line: string) => {
  if (!closed.signal.aborted) stream.write(`${line}\n`);
};

process.exitCode = await runContractCli(
  process.argv.slice(2),
  { out: write(process.stdout), err: write(process.stderr), signal: closed.signal },
  process.env,
).catch((error: unknown) => {
  process.stderr.write(`iot-task-contract: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
if (closed.signal.aborted) process.exitCode = EXIT_BROKEN_PIPE;
