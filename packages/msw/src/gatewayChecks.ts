/**
 * The checks the mock's gateway makes, each of which can be switched off — to mock a gateway
 * that is broken in one way (the contract kit's mutation suite does), or to let a test send what
 * the real gateway would refuse.
 */
export interface GatewayChecks {
  /** The signature is recomputed and compared (`SignatureDoesNotMatch`). */
  signature: boolean;
  /** A V3 signature must cover `host` and every `x-acs-*` header sent (`IncompleteSignature`). */
  signedHeaders: boolean;
  /** A V3 body must be the one `x-acs-content-sha256` hashes (`SignatureDoesNotMatch`). */
  bodyHash: boolean;
  /** The AccessKey ID must be one the mock knows (`InvalidAccessKeyId.NotFound`). */
  accessKey: boolean;
  /** The request time is well-formed and within 15 minutes (`InvalidTimeStamp.Format`/`.Expired`). */
  timestamp: boolean;
  /** A nonce is not accepted twice within the window (`SignatureNonceUsed`). */
  nonce: boolean;
  /** The action and version exist (`InvalidApi.NotFound`). */
  api: boolean;
  /** Parameters are checked against the spec (`Missing<Name>`, `Invalid<Name>`). */
  parameters: boolean;
  /** Requests over the quota are refused (`Throttling.User`). */
  quota: boolean;
}

export type GatewayCheck = keyof GatewayChecks;

/**
 * The checks in force: signature, access key, timestamp and nonce with `verifySignatures`; the
 * API, parameter and quota checks always (the quota unless `quota: false`); `overrides` last.
 */
export function gatewayChecks(
  verifySignatures: boolean,
  quota: boolean,
  overrides: Partial<GatewayChecks> = {},
): GatewayChecks {
  return {
    signature: verifySignatures,
    signedHeaders: verifySignatures,
    bodyHash: verifySignatures,
    accessKey: verifySignatures,
    timestamp: verifySignatures,
    nonce: verifySignatures,
    api: true,
    parameters: true,
    quota,
    ...overrides,
  };
}
