// Public entry of @iot-task/client: the client, the generated operations of every action, the
// errors it throws and the types it returns. Signing lives in @iot-task/signing; hey-api's
// generated SDK behind @iot-task/client/hey-api; the XML reader behind @iot-task/client/xml.

export type { OperationClient } from './clientTransport.ts';
export {
  type ActionName,
  type ActionParams,
  type ActionResult,
  createIotTaskClient,
  type IotTaskClient,
  type TaskResult,
} from './createIotTaskClient.ts';
export { createIotTaskCore, type IotTaskClientOptions, type IotTaskCore } from './createIotTaskCore.ts';
export { createSigningProxy, type SigningProxyOptions } from './createSigningProxy.ts';
export {
  type Credentials,
  type CredentialsProvider,
  ENV_ACCESS_KEY_ID,
  ENV_ACCESS_KEY_SECRET,
  ENV_SECURITY_TOKEN,
  fromEnv,
} from './credentials.ts';
export type { Decoded } from './decoded.ts';
export { type EndpointChoice, endpointForRegion } from './endpoints.ts';
export {
  AbortedError,
  type AnyIotTaskError,
  BusinessError,
  CredentialsError,
  type DriftIssue,
  GatewayError,
  HookError,
  IotTaskError,
  type IotTaskErrorKind,
  isIotTaskError,
  NetworkError,
  PaginationError,
  QuotaStoreError,
  ResponseDriftError,
  ResponseParseError,
  TimeoutError,
  UnknownStatusError,
  ValidationError,
  WaitTimeoutError,
} from './errors.ts';
export type { Task, TaskProgress, TaskStatus } from './generated/actions/QueryTask/types.gen.ts';
export * from './generated/operations.gen.ts';
export type { ClientHooks, DriftEvent, RequestStartEvent, ResponseEvent, RetryEvent } from './hooks.ts';
export type { CallOptions } from './invokeAction.ts';
export type { PageOptions } from './paginate.ts';
export type { QuotaOptions, QuotaRequest, QuotaSlot, QuotaStore } from './quota/quotaStore.ts';
export type { RetryOptions } from './retryPolicy.ts';
export type { ResponseValidation } from './transport/decodeAnswer.ts';
export type { ResponseFormat, SignatureVersion } from './transport/signatureChoice.ts';
export { validateActionParams } from './validateParams.ts';
export { isKnownStatus, isTerminalStatus, type WaitForTaskOptions, waitForTask } from './waitForTask.ts';
