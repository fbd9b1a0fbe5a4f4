import { describe, expect, it } from 'vitest';
import { checkRequest } from '../src/index.ts';

const headers = new Headers();
const v1 = (query: string, method = 'GET') => ({
  method,
  url: `https://iot.cn-shanghai.aliyuncs.com/?${query}`,
  headers,
});
const common =
  'AccessKeyId=k&Action=QueryTask&Format=JSON&SignatureMethod=HMAC-SHA1&SignatureNonce=n&SignatureVersion=1.0&Timestamp=2026-11-26T00%3A00%3A00Z&Version=2018-01-20&Signature=s';

describe('checkRequest: does a request match the spec, as the service sees it', () => {
  it('a well-formed RPC request passes', () => {
    expect(checkRequest('QueryTask', v1(`${common}&TaskId=MSnT9%2A%2A%2Aq010101`))).toEqual([]);
  });

  it('flags what the gateway would see differently', () => {
    expect(checkRequest('QueryTask', v1(`${common}&TaskId=a+b`))).toContain(
      'query value a+b: not percent-encoded per RFC 3986 (space as %20, * as %2A)',
    );
    expect(checkRequest('QueryTask', v1(`${common}&TaskId=a*b`))).toContain(
      'query value a*b: not percent-encoded per RFC 3986 (space as %20, * as %2A)',
    );
    expect(checkRequest('QueryTask', v1(common))).toContain('query TaskId: required, but missing');
    expect(checkRequest('QueryTask', v1(`${common}&TaskId=x&JobId=j`))).toContain(
      'query JobId: not a parameter of QueryTask',
    );
    expect(checkRequest('QueryTask', v1(`${common}&TaskId=x&IotInstanceId=a%2Fb`))[0]).toMatch(
      /^query IotInstanceId: must match pattern/,
    );
    expect(checkRequest('QueryTask', v1(`${common}&TaskId=x`, 'PUT'))).toContain(
      'method PUT: not described for QueryTask',
    );
    expect(checkRequest('QueryTask', v1('Action=QueryTask&TaskId=x&Signature=s'))).toContain(
      'query Version: required by the AcsRpcSignatureV1 signature, but missing',
    );
  });

  it('V3: the headers its signature needs, and a well-formed Authorization', () => {
    const v3 = new Headers({
      authorization: `ACS3-HMAC-SHA256 Credential=k,SignedHeaders=host;x-acs-action,Signature=${'a'.repeat(64)}`,
      'x-acs-action': 'QueryTask',
      'x-acs-version': '2018-01-20',
      'x-acs-date': '2026-11-26T00:00:00Z',
      'x-acs-signature-nonce': 'n',
    });
    const problems = checkRequest('QueryTask', {
      method: 'POST',
      url: 'https://iot.cn-shanghai.aliyuncs.com/?TaskId=x',
      headers: v3,
    });
    expect(problems).toEqual(['header x-acs-content-sha256: required by the Acs3HmacSha256 signature, but missing']);
  });
});
