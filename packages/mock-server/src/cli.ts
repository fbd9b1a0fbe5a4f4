#!/usr/bin/env node
import { runMockServerCli } from './runMockServerCli.ts';

// The mock's output is a log: when its reader goes away (`iot-task-mock | grep -m1 listening`,
// a full disk), the server goes on serving and stops writing — it never dies of a write.
let stdoutOpen = true;
process.stdout.on('error', () => {
  stdoutOpen = false;
});
let stderrOpen = true;
process.stderr.on('error', () => {
  stderrOpen = false;
});

process.exitCode = await runMockServerCli(process.argv.slice(2), {
  out: (line) => {
    if (stdoutOpen) process.stdout.write(`${line}\n`);
  },
  err: (line) => {
    if (stderrOpen) process.stderr.write(`${line}\n`);
  },
});
