// Public entry of @iot-task/msw. Imports only from `msw`, so the same handlers serve
// setupServer (Node), setupWorker (browser) and @iot-task/mock-server.
export {
  type ActionHandlerOptions,
  type ActionResolver,
  type ActionResolverInfo,
  type ActionResponse,
  type ActionResult,
  actionHandler,
  type CommonQueryParameter,
} from './actionHandler.ts';
export type { ActionBehaviour, BehaviourAnswer, BehaviourContext } from './behaviours/actionBehaviour.ts';
export { IotMockOptionError } from './checkMockOptions.ts';
export {
  createIotMock,
  type IotMock,
  type IotMockOptions,
  type MockLogEntry,
  TEST_CREDENTIALS,
} from './createIotMock.ts';
export { type Fault, FaultQueue, type FaultRule, FaultSyntaxError, parseFault } from './faults.ts';
export { fetchFromHandlers } from './fetchFromHandlers.ts';
export { type GatewayCheck, type GatewayChecks, gatewayChecks } from './gatewayChecks.ts';
// One `handle<Action>` factory (and its types) per action of the spec: regenerating adds them here.
export * from './generated/handlers.gen.ts';
export type { QuotaCounting } from './quotaCounter.ts';
export { businessError, gatewayError, rpcResponse, type WireFormat } from './respond.ts';
export { isScenario, type Scenario, scenarioSteps, scenarios, type TaskStatus, type TaskStep } from './scenarios.ts';
export {
  type Advance,
  type DeviceSelector,
  EXAMPLE_JOB_ID,
  EXAMPLE_TASK_ID,
  type JobView,
  type SeedTask,
  type TaskFilter,
  TaskSeedError,
  TaskStore,
} from './taskStore.ts';
