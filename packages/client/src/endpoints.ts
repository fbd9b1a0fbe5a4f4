import type { FamilyDescriptor } from '@iot-task/spec';
import { ValidationError } from './errors.ts';

/** Where a client sends requests: one base URL for every action, or each family's endpoint for a region. */
export type EndpointChoice = { baseUrl: string } | { region: string };

const REGION_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The endpoint host of a family for a region, as the official SDK chooses it (the family's
 * `endpoints` in its api.yaml). Throws a ValidationError for a region the family does not list;
 * pass `endpoint` instead.
 *
 * @example endpointForRegion(Iot20180120, 'cn-shanghai') // 'iot.cn-shanghai.aliyuncs.com'
 */
export function endpointForRegion(family: FamilyDescriptor, region: string): string {
  const { endpoints } = family;
  if (endpoints.global !== undefined && endpoints.globalRegions.includes(region)) return endpoints.global;
  if (endpoints.regionalRegions.includes(region)) return endpoints.regional.replace('{regionId}', region);
  const known = [...endpoints.regionalRegions, ...endpoints.globalRegions].sort();
  throw new ValidationError(
    'region',
    `a region where ${family.product} ${family.version} has an endpoint (${known.join(', ')}), or an explicit endpoint`,
    JSON.stringify(region),
  );
}

/**
 * Checks `endpoint` and `region` when the client is made: `endpoint` as given (a host, a full URL
 * such as a mock server, or a path on the page's own origin such as a signing proxy's) wins;
 * otherwise each family's endpoint for `region`, over HTTPS.
 */
export function chooseEndpoint(options: {
  region?: string | undefined;
  endpoint?: string | undefined;
}): EndpointChoice {
  if (options.endpoint !== undefined) return { baseUrl: checkEndpoint(options.endpoint) };
  if (options.region === undefined) {
    throw new ValidationError('region', 'a region such as "cn-shanghai", or an explicit endpoint', 'nothing');
  }
  if (typeof options.region !== 'string' || !REGION_ID.test(options.region)) {
    throw new ValidationError('region', 'a region ID such as "cn-shanghai"', JSON.stringify(options.region));
  }
  return { region: options.region };
}

/** The base URL of a family's requests, without a trailing slash. */
export function baseUrlFor(choice: EndpointChoice, family: FamilyDescriptor): string {
  return 'baseUrl' in choice ? choice.baseUrl : `https://${endpointForRegion(family, choice.region)}`;
}

function checkEndpoint(given: string): string {
  const endpoint = typeof given === 'string' ? given.trim() : '';
  if (endpoint === '') throw new ValidationError('endpoint', 'a host or an absolute URL', JSON.stringify(given));
  // A path (`/api/iot`): the same origin, for a browser app that talks to its own signing proxy.
  if (/^\/(?!\/)/.test(endpoint)) return endpoint.replace(/\/+$/, '');
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('endpoint', 'a host or an http(s) URL', JSON.stringify(given));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ValidationError('endpoint', 'a host or an http(s) URL', JSON.stringify(given));
  }
  // Never echoed: the part before `@` may be a password.
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ValidationError(
      'endpoint',
      'a URL without user:password@ (credentials go in `credentials`)',
      'a URL with user info',
    );
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new ValidationError('endpoint', 'a base URL without ?query or #fragment', JSON.stringify(given));
  }
  return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
}
