/**
 * The official SDK's classes. Its packages are CommonJS with `exports.default`, which Node and
 * vitest expose differently, so both shapes are accepted.
 */
import * as IotNamespace from '@alicloud/iot20180120';
import * as OpenApiNamespace from '@alicloud/openapi-client';

export { QueryTaskRequest } from '@alicloud/iot20180120';

type Loose = Record<string, unknown> & { default?: Record<string, unknown> & { default?: unknown } };

export type OfficialConfig = InstanceType<typeof OpenApiNamespace.Config>;
export type OfficialClient = {
  queryTask(request: IotNamespace.QueryTaskRequest): Promise<{
    statusCode: number;
    body: { success?: boolean; code?: string; data?: Record<string, unknown> };
  }>;
};

const openApi = OpenApiNamespace as unknown as Loose;
export const Config = (openApi.Config ?? openApi.default?.Config) as typeof OpenApiNamespace.Config;

const iot = IotNamespace as unknown as Loose;
const candidate = iot.default?.default ?? iot.default;
export const OfficialIot = candidate as unknown as new (config: OfficialConfig) => OfficialClient;
