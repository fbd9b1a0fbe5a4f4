// Public entry of @iot-task/contract.
export { arbitraryFromSchema } from './arbitraryFromSchema.ts';
export { checkRequest } from './checkRequest.ts';
export { checkResponse } from './checkResponse.ts';
export { type ContractClock, realClock, virtualClock } from './contractClock.ts';
export { describeContract } from './describeContract.ts';
export {
  checkAnswer,
  describeAnswer,
  describeExpectation,
  type Expectation,
  type RawResponse,
  readRaw,
} from './expectations.ts';
export { type GatewayCase, type GatewayCheckName, gatewayCases, gatewayChecks } from './gatewayCases.ts';
export { type ContractCase, contractCases } from './generated/cases.gen.ts';
export { type LifecycleCase, type LifecycleCoverageCase, lifecycleCases } from './lifecycle.ts';
export { detectHttpControl, inProcessControl, type MockControl } from './mockControl.ts';
export { type BuiltParams, requestParams, wireParams } from './requestParams.ts';
export {
  type CaseResult,
  type ContractReport,
  type ContractRun,
  casesFor,
  type KitCase,
  runCase,
  runContract,
  startRun,
} from './runContract.ts';
export { CONTRACT_USAGE, runContractCli } from './runContractCli.ts';
export {
  type BaseUrlTargetOptions,
  baseUrlTarget,
  type ContractTarget,
  type LiveTargetOptions,
  liveTarget,
  type MswTargetOptions,
  mswTarget,
} from './targets.ts';
export { toJUnit } from './toJUnit.ts';
