import { ValidationError } from './errors.ts';

/**
 * Regions whose IoT Platform endpoint follows the regional rule `iot.{region}.aliyuncs.com`
 * (querytask-api.md §4.2, §6: observed for cn-shanghai and ap-southeast-1).
 */
const REGIONAL = [
  'cn-shanghai',
  'cn-beijing',
  'cn-shenzhen',
  'cn-hangzhou',
  'ap-northeast-1',
  'ap-southeast-1',
  'eu-central-1',
  'us-east-1',
  'us-west-1',
] as const;

/** Public regions that the official SDK's endpoint map sends to the global endpoint. */
const GLOBAL = [
  'ap-south-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-5',
  'cn-chengdu',
  'cn-fujian',
  'cn-hongkong',
  'cn-huhehaote',
  'cn-qingdao',
  'cn-wuhan',
  'cn-wulanchabu',
  'cn-zhangjiakou',
  'eu-west-1',
  'me-east-1',
] as const;

export type KnownRegion = (typeof REGIONAL)[number] | (typeof GLOBAL)[number];

export const GLOBAL_ENDPOINT = 'iot.aliyuncs.com';
export const knownRegions: readonly KnownRegion[] = [...REGIONAL, ...GLOBAL].sort();

/**
 * The endpoint host for a region, as the official SDK chooses it.
 * Throws a ValidationError for a region it does not know; pass `endpoint` instead.
 *
 * @example endpointForRegion('cn-shanghai') // 'iot.cn-shanghai.aliyuncs.com'
 */
export function endpointForRegion(region: string): string {
  if ((GLOBAL as readonly string[]).includes(region)) return GLOBAL_ENDPOINT;
  if ((REGIONAL as readonly string[]).includes(region)) return `iot.${region}.aliyuncs.com`;
  throw new ValidationError(
    'region',
    `a region with IoT Platform (${knownRegions.join(', ')}), or an explicit endpoint`,
    JSON.stringify(region),
  );
}

/**
 * The base URL requests go to: `endpoint` as given (a host, a full URL such as a mock server, or
 * a path on the page's own origin such as a signing proxy's), else the region's endpoint over HTTPS.
 */
export function resolveBaseUrl(options: { region?: string | undefined; endpoint?: string | undefined }): string {
  if (options.endpoint !== undefined) {
    const endpoint = options.endpoint.trim();
    if (endpoint === '') throw new ValidationError('endpoint', 'a host or an absolute URL', '""');
    // A path (`/api/iot`): the same origin, for a browser app that talks to its own signing proxy.
    if (/^\/(?!\/)/.test(endpoint)) return endpoint.replace(/\/+$/, '');
    const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(endpoint) ? endpoint : `https://${endpoint}`;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ValidationError('endpoint', 'a host or an http(s) URL', JSON.stringify(options.endpoint));
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ValidationError('endpoint', 'a host or an http(s) URL', JSON.stringify(options.endpoint));
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
      throw new ValidationError('endpoint', 'a base URL without ?query or #fragment', JSON.stringify(options.endpoint));
    }
    return `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, '');
  }
  if (options.region === undefined) {
    throw new ValidationError('region', 'a region such as "cn-shanghai", or an explicit endpoint', 'nothing');
  }
  return `https://${endpointForRegion(options.region)}`;
}
