/** One way a request can travel: signature version × HTTP method × wire format. */
export interface TransportVariant {
  signature: 'v1' | 'v3';
  method: 'GET' | 'POST';
  format: 'JSON' | 'XML';
}

/**
 * All eight variants, ordered so that consecutive ones differ in every dimension — a case that
 * runs over a rotation of them meets each signature, method and format early.
 */
export const TRANSPORT_VARIANTS: readonly TransportVariant[] = [
  { signature: 'v3', method: 'POST', format: 'JSON' },
  { signature: 'v1', method: 'GET', format: 'XML' },
  { signature: 'v3', method: 'GET', format: 'JSON' },
  { signature: 'v1', method: 'POST', format: 'XML' },
  { signature: 'v3', method: 'POST', format: 'XML' },
  { signature: 'v1', method: 'GET', format: 'JSON' },
  { signature: 'v3', method: 'GET', format: 'XML' },
  { signature: 'v1', method: 'POST', format: 'JSON' },
];

/** The variants of the RPC (V1) signature, where common parameters travel in the query. */
export const V1_VARIANTS = TRANSPORT_VARIANTS.filter((v) => v.signature === 'v1');

export function variantLabel(variant: TransportVariant): string {
  return `${variant.signature}/${variant.method}/${variant.format}`;
}
