// Public entry of @iot-task/client. The runtime wraps the generated SDK in ./generated.

export type {
  ActionData,
  ActionName,
  ActionParams,
  ActionResult,
  CallOptions,
  Decoded,
  IotTaskClient,
  IotTaskClientOptions,
  QueryTaskParams,
  QuotaOptions,
  TaskResult,
} from './createIotTaskClient.ts';
export { createIotTaskClient } from './createIotTaskClient.ts';
export { createSigningProxy, type SigningProxyOptions } from './createSigningProxy.ts';
export {
  type Credentials,
  type CredentialsProvider,
  ENV_ACCESS_KEY_ID,
  ENV_ACCESS_KEY_SECRET,
  ENV_SECURITY_TOKEN,
  fromEnv,
} from './credentials.ts';
export { endpointForRegion, GLOBAL_ENDPOINT, type KnownRegion, knownRegions } from './endpoints.ts';
export {
  AbortedError,
  type AnyIotTaskError,
  BusinessError,
  CredentialsError,
  type DriftIssue,
  GatewayError,
  IotTaskError,
  type IotTaskErrorKind,
  isIotTaskError,
  NetworkError,
  ResponseDriftError,
  ResponseParseError,
  TimeoutError,
  UnknownStatusError,
  ValidationError,
  WaitTimeoutError,
} from './errors.ts';
export type { Task, TaskProgress, TaskStatus } from './generated/actions/QueryTask/types.gen.ts';
export type { ClientHooks, DriftEvent, RequestStartEvent, ResponseEvent, RetryEvent } from './hooks.ts';
export type { RetryOptions } from './retryPolicy.ts';
export type { ResponseValidation } from './transport/decodeAnswer.ts';
export type { ResponseFormat, SignatureVersion } from './transport/signRequest.ts';
export { validateActionParams } from './validateParams.ts';
export { isKnownStatus, isTerminalStatus, type WaitForTaskOptions, waitForTask } from './waitForTask.ts';
