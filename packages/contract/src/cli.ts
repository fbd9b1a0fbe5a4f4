#!/usr/bin/env node
import { runContractCli } from './runContractCli.ts';

process.exitCode = await runContractCli(
  process.argv.slice(2),
  { out: (line) => process.stdout.write(`${line}\n`), err: (line) => process.stderr.write(`${line}\n`) },
  process.env,
).catch((error: unknown) => {
  process.stderr.write(`iot-task-contract: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
