// Public entry of @iot-task/cli: the command as a function, for embedding and tests.
export { describeError } from './describeError.ts';
export { EXIT, exitForStatus } from './exitCodes.ts';
export { formatTask } from './formatTask.ts';
export { type CliEnvironment, main } from './main.ts';
export { type CommandLine, parseCommandLine, type TaskCommand, UsageError } from './parseCommandLine.ts';
export { createProgressView, type OutputStream, type ProgressView } from './progressView.ts';
export { USAGE } from './usage.ts';
