// Public entry of @iot-task/signing: the two signature schemes of Alibaba Cloud APIs, shared by
// the client (signs), the mock (verifies) and the contract kit (signs what the client refuses to).

export { canonicalizeV3Query } from './canonicalQuery.ts';
export { EMPTY_BODY_SHA256, type HmacHash, hmac, sha256Hex, toBase64, toHex } from './hashing.ts';
export { percentEncode } from './percentEncode.ts';
export { canonicalizeRpcQuery, type RpcParameters, rpcStringToSign, signRpc } from './signRpc.ts';
export { ACS3_ALGORITHM, signV3, type V3Request, v3CanonicalRequest } from './signV3.ts';
