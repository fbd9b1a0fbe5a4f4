import { canonicalizeV3Query } from '@iot-task/signing/encoding';
import type { ActionDescriptor } from '@iot-task/spec';
import { baseUrlFor, type EndpointChoice } from '../endpoints.ts';
import { ValidationError } from '../errors.ts';
import type { OutgoingRequest } from './send.ts';

/**
 * `v3`: ACS3-HMAC-SHA256; `v1`: RPC HMAC-SHA1; `none`: send unsigned, to a same-origin endpoint
 * that signs on the server (see createSigningProxy) — for browsers, which must hold no secret.
 */
export type SignatureVersion = 'v3' | 'v1' | 'none';
export type ResponseFormat = 'JSON' | 'XML';

export interface SigningSettings {
  endpoint: EndpointChoice;
  method: 'GET' | 'POST';
  /** @default the action's family's first signature version */
  signatureVersion: SignatureVersion | undefined;
  format: ResponseFormat;
}

/** The signature an action's requests carry: the client's choice, which its family must accept, or the family's default. */
export function signatureFor(settings: SigningSettings, descriptor: ActionDescriptor): SignatureVersion {
  const accepted = descriptor.family.signatureVersions;
  const chosen = settings.signatureVersion ?? accepted[0] ?? 'v3';
  if (chosen !== 'none' && !accepted.includes(chosen)) {
    throw new ValidationError(
      'signatureVersion',
      `one of ${accepted.join(', ')} or none (${descriptor.family.product} ${descriptor.family.version})`,
      JSON.stringify(chosen),
    );
  }
  return chosen;
}

/** The origin and path requests go to, without a trailing slash; a relative base stays relative. */
export function requestRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

export function acceptOf(settings: SigningSettings): string {
  return settings.format === 'XML' ? 'text/xml' : 'application/json';
}

/**
 * The request of a call signed elsewhere (signature `none`): the action and the parameters as
 * they are, for an endpoint that signs on the server. Needs no credentials, so no signer loads.
 */
export function unsignedRequest(
  settings: SigningSettings,
  descriptor: ActionDescriptor,
  query: Readonly<Record<string, string>>,
): OutgoingRequest {
  const base = requestRoot(baseUrlFor(settings.endpoint, descriptor.family));
  const unsigned = canonicalizeV3Query({ ...query, Action: descriptor.action, Format: settings.format });
  return { url: `${base}/?${unsigned}`, method: settings.method, headers: { accept: acceptOf(settings) } };
}
