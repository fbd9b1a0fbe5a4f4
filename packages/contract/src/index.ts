// Public entry of @iot-task/contract.
export { arbitraryFromSchema } from './arbitraryFromSchema.ts';
export { checkRequest } from './checkRequest.ts';
export { checkResponse, type RawResponse } from './checkResponse.ts';
export { describeContract } from './describeContract.ts';
export { type ContractCase, contractCases } from './generated/cases.gen.ts';
export { type CaseResult, type ContractReport, runCase, runContract } from './runContract.ts';
export { CONTRACT_USAGE, runContractCli } from './runContractCli.ts';
export { baseUrlTarget, type ContractTarget, liveTarget, mswTarget } from './targets.ts';
export { toJUnit } from './toJUnit.ts';
