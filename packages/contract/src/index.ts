// Public entry of @iot-task/contract.

export { type AcceptedCase, type AcceptedCheckName, acceptedCases, acceptedChecks } from './acceptedCases.ts';
export { arbitraryFromSchema } from './arbitraryFromSchema.ts';
export { checkAnswer, describeAnswer, parseAnswer } from './checkAnswer.ts';
export { checkRequest } from './checkRequest.ts';
export { checkResponse } from './checkResponse.ts';
export { type ContractClock, realClock, virtualClock } from './contractClock.ts';
export { ANSWER_TIMEOUT_MS, type ContractRun, NoAnswerError, startRun } from './contractRun.ts';
export { describeContract } from './describeContract.ts';
export { describeExpectation, type Expectation } from './expectation.ts';
export { type GatewayCase, type GatewayCheckName, gatewayCases, gatewayChecks } from './gatewayCase.ts';
export { type ContractCase, contractCases } from './generated/cases.gen.ts';
export { type LifecycleCase, lifecycleCases } from './lifecycle.ts';
export { type LifecycleCoverageCase, lifecycleCoverageCases } from './lifecycleCoverageCase.ts';
export { detectHttpControl, inProcessControl, type MockControl } from './mockControl.ts';
export { type OmissionCase, omissionCases } from './omissionCase.ts';
export { MAX_PAGES, type PagingCase, pagingCases } from './pagingCases.ts';
export { type ParameterCase, parameterCases } from './parameterCases.ts';
export { MAX_ANSWER_BYTES, type RawResponse, readRaw } from './rawResponse.ts';
export { type ReplayCase, replayCases } from './replayCase.ts';
export { type RequestIdCase, requestIdCase } from './requestIdCase.ts';
export { type BuiltParams, requestParams, wireParams } from './requestParams.ts';
export { type CaseResult, type ContractReport, casesFor, type KitCase, runCase, runContract } from './runContract.ts';
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
export { type ThrottlingCase, throttlingCase } from './throttlingCase.ts';
export { toJUnit } from './toJUnit.ts';
export { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';
