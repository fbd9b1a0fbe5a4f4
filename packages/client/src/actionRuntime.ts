// What the generated operations (`generated/actions/<Action>/operation.gen.ts`) build on.
export type { OperationClient } from './clientTransport.ts';
export type { Decoded } from './decoded.ts';
export { type CallOptions, invoke } from './invokeAction.ts';
export { type PageOptions, paginate } from './paginate.ts';
