import { describe, expect, it } from 'vitest';
import { EMPTY_BODY_SHA256, nodeHashing, sha256Hex, toBase64, toHex, webHashing } from '../src/hashing.ts';
import { percentEncode } from '../src/percentEncode.ts';
import { canonicalizeRpcQuery, rpcStringToSign, signRpc } from '../src/signRpc.ts';
import { signV3 } from '../src/signV3.ts';

// Official test vectors, querytask-api.md §1.
const common = { SignatureMethod: 'HMAC-SHA1', SignatureVersion: '1.0' };

describe('RPC signature (HMAC-SHA1, SignatureVersion 1.0): official vectors', () => {
  const vectors = [
    {
      name: 'A (V2-RPC doc, DescribeDedicatedHosts)',
      secret: 'testsecret',
      params: {
        AccessKeyId: 'testid',
        Action: 'DescribeDedicatedHosts',
        Format: 'JSON',
        RegionId: 'cn-beijing',
        ...common,
        SignatureNonce: 'edb2b34af0af9a6d14deaf7c1a5315eb',
        Timestamp: '2023-03-13T08:34:30Z',
        Version: '2014-05-26',
      },
      signature: '9NaGiOspFP5UPcwX8Iwt2YJXXuk=',
    },
    {
      name: 'B (ECS, DescribeRegions, Format=XML)',
      secret: 'testsecret',
      params: {
        AccessKeyId: 'testid',
        Action: 'DescribeRegions',
        Format: 'XML',
        ...common,
        SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
        Timestamp: '2016-02-23T12:46:24Z',
        Version: '2014-05-26',
      },
      signature: 'OLeaidS1JvxuMvnyHOwuJ+uX5qY=',
    },
    {
      name: 'C (as B, key spelled TimeStamp)',
      secret: 'testsecret',
      params: {
        AccessKeyId: 'testid',
        Action: 'DescribeRegions',
        Format: 'XML',
        ...common,
        SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
        TimeStamp: '2016-02-23T12:46:24Z',
        Version: '2014-05-26',
      },
      signature: 'CT9X0VtwR86fNWSnsc6v8YGOjuE=',
    },
    {
      name: 'D (CDN, DescribeCdnService)',
      secret: 'testsecret',
      params: {
        AccessKeyId: 'testid',
        Action: 'DescribeCdnService',
        Format: 'JSON',
        ...common,
        SignatureNonce: '9b7a44b0-3be1-11e5-8c73-08002700c460',
        Timestamp: '2015-08-06T02:19:46Z',
        Version: '2014-11-11',
      },
      signature: 'KkkQOf0ymKf4yVZLggy6kYiwgFs=',
    },
    {
      name: 'E (SMS, UTF-8 and JSON punctuation)',
      secret: 'testSecret',
      params: {
        AccessKeyId: 'testId',
        Action: 'SendSms',
        Format: 'XML',
        OutId: '123',
        PhoneNumbers: '15300000001',
        RegionId: 'cn-hangzhou',
        SignName: '阿里云短信测试专用',
        ...common,
        SignatureNonce: '45e25e9b-0a6f-4070-8c85-2956eda1b466',
        TemplateCode: 'SMS_71390007',
        TemplateParam: '{"customer":"test"}',
        Timestamp: '2017-07-12T02:42:19Z',
        Version: '2017-05-25',
      },
      signature: 'zJDF+Lrzhj/ThnlvIToysFRq6t4=',
    },
  ];

  for (const v of vectors) {
    it(`vector ${v.name}`, async () => {
      expect((await signRpc('GET', v.params, v.secret)).signature).toBe(v.signature);
    });
  }

  it('vector A: canonical query string and string to sign, byte for byte', async () => {
    const [a] = vectors;
    const query = canonicalizeRpcQuery(a?.params ?? {});
    expect(query).toBe(
      'AccessKeyId=testid&Action=DescribeDedicatedHosts&Format=JSON&RegionId=cn-beijing&SignatureMethod=HMAC-SHA1&SignatureNonce=edb2b34af0af9a6d14deaf7c1a5315eb&SignatureVersion=1.0&Timestamp=2023-03-13T08%3A34%3A30Z&Version=2014-05-26',
    );
    expect(rpcStringToSign('GET', query)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeDedicatedHosts%26Format%3DJSON%26RegionId%3Dcn-beijing%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3Dedb2b34af0af9a6d14deaf7c1a5315eb%26SignatureVersion%3D1.0%26Timestamp%3D2023-03-13T08%253A34%253A30Z%26Version%3D2014-05-26',
    );
  });

  it('vector E: UTF-8 and JSON values encode as documented', () => {
    const query = canonicalizeRpcQuery(vectors[4]?.params ?? {});
    expect(query).toContain(
      'SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8',
    );
    expect(query).toContain('TemplateParam=%7B%22customer%22%3A%22test%22%7D');
  });

  it('ignores a Signature parameter when signing, and signs the real method', async () => {
    const params = vectors[0]?.params ?? {};
    const withSignature = { ...params, Signature: 'anything' };
    expect((await signRpc('GET', withSignature, 'testsecret')).signature).toBe('9NaGiOspFP5UPcwX8Iwt2YJXXuk=');
    expect((await signRpc('POST', params, 'testsecret')).stringToSign.startsWith('POST&%2F&')).toBe(true);
    expect((await signRpc('POST', params, 'testsecret')).signature).not.toBe('9NaGiOspFP5UPcwX8Iwt2YJXXuk=');
  });
});

describe('V3 signature (ACS3-HMAC-SHA256): official vector', () => {
  const request = {
    method: 'POST',
    pathname: '/',
    query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
    headers: {
      host: 'ecs.cn-shanghai.aliyuncs.com',
      'x-acs-action': 'RunInstances',
      'x-acs-version': '2014-05-26',
      'x-acs-date': '2023-10-26T10:22:32Z',
      'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
      'x-acs-content-sha256': EMPTY_BODY_SHA256,
    },
    payloadHash: EMPTY_BODY_SHA256,
  };

  it('hashes the empty body as documented', async () => {
    expect(await sha256Hex('')).toBe(EMPTY_BODY_SHA256);
  });

  it('produces the documented canonical-request hash, signature and Authorization header', async () => {
    const signed = await signV3(request, 'YourAccessKeyId', 'YourAccessKeySecret');
    expect(await sha256Hex(signed.canonicalRequest)).toBe(
      '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
    );
    expect(signed.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    expect(signed.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
  });

  it('does not depend on header-name case or order', async () => {
    const shuffled = Object.fromEntries(
      Object.entries(request.headers)
        .reverse()
        .map(([k, v]) => [k.toUpperCase(), ` ${v} `]),
    );
    const signed = await signV3({ ...request, headers: shuffled }, 'YourAccessKeyId', 'YourAccessKeySecret');
    expect(signed.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
  });
});

describe('hashing: node:crypto (used on Node) and WebCrypto (used in browsers) agree', () => {
  it('is node:crypto here', () => {
    expect(nodeHashing).toBeDefined();
  });

  it.each([
    ['SHA-1', 'testsecret&', 'GET&%2F&AccessKeyId%3Dtestid'],
    ['SHA-256', 'YourAccessKeySecret', 'ACS3-HMAC-SHA256\n7ea0'],
    ['SHA-256', '密钥 with unicode', '作业 & 😀'],
    ['SHA-1', '&', ''],
  ] as const)('HMAC-%s gives the same bytes', async (hash, secret, message) => {
    const web = await webHashing.hmac(hash, secret, message);
    const node = await nodeHashing?.hmac(hash, secret, message);
    expect(toHex(node as Uint8Array)).toBe(toHex(web));
    expect(toBase64(web)).toMatch(/^[A-Za-z0-9+/]+=*$/);
    for (const encoding of ['hex', 'base64'] as const) {
      // node:crypto answers at once (a string), WebCrypto with a promise: the same text.
      const nodeEncoded = nodeHashing?.hmacEncoded(hash, secret, message, encoding);
      expect(typeof nodeEncoded).toBe('string');
      expect(nodeEncoded).toBe(await webHashing.hmacEncoded(hash, secret, message, encoding));
    }
    expect(nodeHashing?.hmacEncoded(hash, secret, message, 'base64')).toBe(toBase64(web));
  });

  it('SHA-256 gives the same digest, of the empty body too', async () => {
    for (const text of ['', 'canonical\nrequest', '作业']) {
      expect(await nodeHashing?.sha256Hex(text)).toBe(await webHashing.sha256Hex(text));
    }
    expect(await webHashing.sha256Hex('')).toBe(EMPTY_BODY_SHA256);
  });
});

describe('percentEncode (§2)', () => {
  it.each([
    ['a b', 'a%20b'],
    ['*', '%2A'],
    ['~', '~'],
    ['-_.', '-_.'],
    ["!'()", '%21%27%28%29'],
    ['a+b', 'a%2Bb'],
    ['/=&', '%2F%3D%26'],
    ['作业', '%E4%BD%9C%E4%B8%9A'],
    ['😀', '%F0%9F%98%80'],
  ])('%j → %j', (input, expected) => {
    expect(percentEncode(input)).toBe(expected);
  });
});
