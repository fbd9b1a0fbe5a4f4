import type { DeviceSelector } from '../taskStore.ts';
import type { ActionBehaviour } from './actionBehaviour.ts';
import { unknownValueError } from './actionBehaviour.ts';
import { described, nest, schemaAt } from './describedFields.ts';
import type { PageTokens } from './pageTokens.ts';

/**
 * ListTask: the store's tasks of a job (`JobId`) or of a device (`Device`), optionally in one
 * `Status`, `Limit` at a time. Every page but the last carries a token for the next; a token is
 * good for one minute and for the same list only. Listing does not move tasks along. Without
 * JobId and Device it lists every task of the instance (the service's answer is undocumented).
 */
export function listTask(pages: PageTokens): ActionBehaviour {
  return ({ descriptor, params, tasks, now }) => {
    const paging = descriptor.paging;
    if (paging?.kind !== 'token')
      return { gateway: 'InternalError', message: `${descriptor.action} is not described as paged by token` };
    const instance = params.IotInstanceId || undefined;
    if (instance !== undefined && !tasks.hasInstance(instance)) {
      return { business: unknownValueError(descriptor, 'IotInstanceId') };
    }
    let device: DeviceSelector | undefined;
    if (params.Device !== undefined) {
      try {
        const parsed: unknown = JSON.parse(params.Device);
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
        device = parsed as DeviceSelector;
      } catch {
        return {
          gateway: 'InvalidDevice',
          message: 'Device: expected a JSON object {IotId} or {ProductKey, DeviceName}',
        };
      }
    }
    if (params.JobId !== undefined && !tasks.job(params.JobId, instance)) {
      return { business: unknownValueError(descriptor, 'JobId') };
    }
    const limit = Math.max(1, Number.parseInt(params.Limit ?? '10', 10) || 10);
    const listed = tasks.list({
      ...(params.JobId !== undefined ? { JobId: params.JobId } : {}),
      ...(device ? { Device: device } : {}),
      ...(params.Status !== undefined ? { Status: params.Status } : {}),
      ...(instance ? { IotInstanceId: instance } : {}),
    });
    const query = JSON.stringify([params.JobId, params.Device, params.Status, limit, instance]);
    let offset = 0;
    const token = params[paging.tokenParameter];
    if (token !== undefined) {
      const redeemed = pages.redeem(token, query, now);
      if ('refused' in redeemed) return { gateway: `Invalid${paging.tokenParameter}`, message: redeemed.refused };
      offset = redeemed.offset;
    }
    const itemSchema = schemaAt(descriptor, paging.items);
    const page = listed.slice(offset, offset + limit).map((task) => described(itemSchema, task));
    const next = offset + limit < listed.length ? pages.issue(query, offset + limit, now) : undefined;
    return { body: { ...(next ? { [paging.tokenField]: next } : {}), ...nest(paging.items, page) } };
  };
}
