// Entry @iot-task/signing/encoding: the encodings every request uses, signed or not, without the
// signers (an app whose requests are signed on its server loads only this).
export { canonicalizeV3Query } from './canonicalQuery.ts';
export { percentEncode } from './percentEncode.ts';
export { type ListShape, type ReadList, readRpcList, writeRpcList } from './rpcList.ts';
