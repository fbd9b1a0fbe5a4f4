import { examples } from '@iot-task/spec';

type ExamplesByAction = Record<string, Record<string, Record<string, Record<string, Record<string, unknown>>>>>;

/** The first documented JSON example of an action's HTTP 200 answer, if the spec has one. */
export function successExample(action: string): Record<string, unknown> | undefined {
  const named = (examples as unknown as ExamplesByAction)[action]?.['200']?.['application/json'];
  return named ? Object.values(named)[0] : undefined;
}
