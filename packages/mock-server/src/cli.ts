#!/usr/bin/env node
import { runMockServerCli } from './runMockServerCli.ts';

process.exitCode = await runMockServerCli(process.argv.slice(2), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
});
