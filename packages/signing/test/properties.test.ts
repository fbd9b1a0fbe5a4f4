import { referenceEncode, referenceRpcSignature, referenceV3Signature } from '@iot-task/test-support/referenceSigner';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/hashing.ts';
import { percentEncode } from '../src/percentEncode.ts';
import { signRpc } from '../src/signRpc.ts';
import { signV3 } from '../src/signV3.ts';

// Well-formed Unicode strings (lone surrogates are rejected by validation before signing).
const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const name = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 });
const params = fc.dictionary(name, text, { minKeys: 1, maxKeys: 8 });
const secret = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 });

describe('percentEncode (property)', () => {
  it('round-trips and emits only unreserved characters and %XY escapes', () => {
    fc.assert(
      fc.property(text, (s) => {
        const encoded = percentEncode(s);
        expect(decodeURIComponent(encoded)).toBe(s);
        expect(encoded).toMatch(/^(?:[A-Za-z0-9\-_.~]|%[0-9A-F]{2})*$/);
      }),
    );
  });

  it('agrees with a byte-level reference encoder', () => {
    fc.assert(fc.property(text, (s) => percentEncode(s) === referenceEncode(s)));
  });
});

describe('signers (property): round trip against an independent verifier', () => {
  it('RPC HMAC-SHA1 equals node:crypto over any parameters, method and secret', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('GET', 'POST'), params, secret, async (method, p, s) => {
        const { signature } = await signRpc(method, p, s);
        expect(signature).toBe(referenceRpcSignature(method, p, s));
      }),
      { numRuns: 200 },
    );
  });

  it('ACS3-HMAC-SHA256 equals node:crypto over any query, headers and secret', async () => {
    const headers = fc.record({
      host: fc.constantFrom('iot.cn-shanghai.aliyuncs.com', '127.0.0.1:4010'),
      'x-acs-action': fc.constantFrom('QueryTask', 'ListTask'),
      'x-acs-date': fc.constant('2026-11-26T10:00:00Z'),
      'x-acs-signature-nonce': fc.stringMatching(/^[0-9a-f]{32}$/),
      'x-acs-version': fc.constant('2018-01-20'),
    });
    await fc.assert(
      fc.asyncProperty(params, headers, secret, async (query, h, s) => {
        const payloadHash = await sha256Hex('');
        const { signature } = await signV3({ method: 'POST', pathname: '/', query, headers: h, payloadHash }, 'id', s);
        expect(signature).toBe(referenceV3Signature('POST', query, h, Object.keys(h), '', s));
      }),
      { numRuns: 200 },
    );
  });

  it('any change to a signed value changes the signature', async () => {
    await fc.assert(
      fc.asyncProperty(params, secret, text, async (p, s, extra) => {
        const [first] = Object.keys(p);
        fc.pre(first !== undefined && p[first] !== `${p[first]}${extra}` && extra.length > 0);
        const a = await signRpc('GET', p, s);
        const b = await signRpc('GET', { ...p, [first as string]: `${p[first as string]}${extra}` }, s);
        expect(a.signature).not.toBe(b.signature);
      }),
      { numRuns: 100 },
    );
  });
});
