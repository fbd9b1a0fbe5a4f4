import { type ActionDescriptor, actions } from '@iot-task/spec';
import type { CaseContext, CaseKind, Outcome } from './caseKind.ts';
import { businessError, type Expectation } from './expectation.ts';
import { lifecycleShape } from './lifecycle.ts';
import { unknownValueCodes, unknownValueExpected } from './parameterCases.ts';
import { rawRequest } from './rawRequest.ts';
import { answerProblems, variantRequest } from './signedRequests.ts';
import { TRANSPORT_VARIANTS, type TransportVariant, variantLabel } from './transportVariants.ts';

/**
 * A thing that lives in an instance is found only there: asked for with its IotInstanceId it is
 * the success; without one (the default instance) it names nothing; with an IotInstanceId that
 * names no instance, that is the error. Needs a mock's control surface to make the thing.
 */
export interface InstanceCase {
  id: string;
  action: string;
  kind: 'instance';
  title: string;
  asked: 'with-its-instance' | 'without-instance' | 'with-unknown-instance';
  variant: TransportVariant;
}

const ASKED: Readonly<Record<InstanceCase['asked'], string>> = {
  'with-its-instance': 'with its IotInstanceId: the success',
  'without-instance': 'without IotInstanceId (the default instance): it names nothing there',
  'with-unknown-instance': 'with an IotInstanceId that names no instance: that instance is not found',
};

export function instanceCases(action: string): InstanceCase[] {
  const descriptor = (actions as Readonly<Record<string, ActionDescriptor>>)[action];
  const shape = lifecycleShape(action);
  if (!shape || !descriptor?.parameters.some((p) => p.name === 'IotInstanceId' && p.in === 'query')) return [];
  const variant = TRANSPORT_VARIANTS[0] as TransportVariant;
  return (Object.keys(ASKED) as InstanceCase['asked'][]).map((asked) => ({
    id: `${action}/instance/${asked}/${variantLabel(variant)}`,
    action,
    kind: 'instance',
    title: `a ${shape.identity} made in an instance, asked for ${ASKED[asked]} (${variantLabel(variant)})`,
    asked,
    variant,
  }));
}

async function judgeInstanceCase(c: InstanceCase, { run, params }: CaseContext): Promise<Outcome> {
  const shape = lifecycleShape(c.action);
  const [scenario] = run.control?.scenarios ?? [];
  if (!shape) return { problems: [`${c.action} has no status with terminal values`] };
  if (!run.control || !scenario)
    return { skip: 'the target has no /__mock/ control surface to make a task in an instance' };
  const id = `contract-in-instance-${c.asked}-${run.runId}`;
  const instance = `contract-instance-${run.runId}`;
  await run.control.seedTask(id, scenario, { IotInstanceId: instance });
  const { IotInstanceId: _known, ...ordinary } = params();
  const asked: Record<string, string> = { ...ordinary, [shape.identity]: id };
  let expected: Expectation = { outcome: 'success' };
  if (c.asked === 'with-its-instance') asked.IotInstanceId = instance;
  if (c.asked === 'without-instance') {
    expected = businessError(
      [...(unknownValueCodes(c.action, shape.identity) ?? []), 'iot.common.InvalidTenant'],
      'unconfirmed which one the service names (decisions/unconfirmed-wire-facts.md): not found in the default instance, or the wrong tenant',
    );
  }
  if (c.asked === 'with-unknown-instance') {
    asked.IotInstanceId = `contract-no-instance-${run.runId}`;
    expected = unknownValueExpected(unknownValueCodes(c.action, 'IotInstanceId') ?? []);
  }
  const request = await rawRequest(run.target.baseUrl, variantRequest(run, c.action, asked, c.variant));
  return { problems: await answerProblems(run, c.action, request, expected, c.variant.format) };
}

/** Instance rules, for every action that takes an IotInstanceId and whose answer has a lifecycle. */
export const instanceKind: CaseKind<InstanceCase> = {
  kinds: ['instance'],
  cases: () => Object.keys(actions).flatMap(instanceCases),
  judge: judgeInstanceCase,
};
