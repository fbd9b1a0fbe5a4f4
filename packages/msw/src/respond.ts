import { errorCodes } from '@iot-task/spec';
import { HttpResponse } from 'msw';
import { serializeXml } from './serializeXml.ts';

export type WireFormat = 'JSON' | 'XML';

export const HOST_ID = 'iot.cn-shanghai.aliyuncs.com';

export function newRequestId(): string {
  return crypto.randomUUID().toUpperCase();
}

/** A body in the requested format, with the request ID header the gateway sends. */
export function rpcResponse(
  body: Record<string, unknown>,
  options: { status?: number; format: WireFormat; xmlRoot: string },
): Response {
  // A header can only carry printable ASCII; the body always has the RequestId anyway.
  const requestId = String(body.RequestId ?? '');
  const headers: Record<string, string> = /^[\x20-\x7e]+$/.test(requestId) ? { 'x-acs-request-id': requestId } : {};
  if (options.format === 'XML') {
    return new HttpResponse(serializeXml(options.xmlRoot, body), {
      status: options.status ?? 200,
      headers: { ...headers, 'content-type': 'text/xml;charset=utf-8' },
    });
  }
  return HttpResponse.json(body, {
    status: options.status ?? 200,
    headers: { ...headers, 'content-type': 'application/json;charset=utf-8' },
  });
}

const catalog = new Map<string, (typeof errorCodes)[number]>(errorCodes.map((e) => [e.code, e]));

/**
 * A gateway error as the gateway sends it: HTTP status and message from the spec's catalogue
 * (or as given), `RequestId`, `HostId`, `Code`, `Message`, `Recommend`; XML root `<Error>`.
 */
export function gatewayError(
  code: string,
  options: { format: WireFormat; status?: number; message?: string; requestId?: string },
): Response {
  const known = catalog.get(code);
  const requestId = options.requestId ?? newRequestId();
  const body = {
    RequestId: requestId,
    HostId: HOST_ID,
    Code: code,
    Message: options.message ?? known?.message ?? code,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=Iot&requestId=${requestId}`,
  };
  const status = options.status ?? (known && 'httpStatus' in known ? known.httpStatus : undefined) ?? 400;
  return rpcResponse(body, { status, format: options.format, xmlRoot: 'Error' });
}

/** An IoT business error: HTTP 200, `Success: false`, `Code`, `ErrorMessage`. */
export function businessError(
  code: string,
  options: { format: WireFormat; xmlRoot: string; message?: string },
): Response {
  return rpcResponse(
    {
      RequestId: newRequestId(),
      Success: false,
      Code: code,
      ErrorMessage: options.message ?? catalog.get(code)?.message ?? code,
    },
    { format: options.format, xmlRoot: options.xmlRoot },
  );
}
