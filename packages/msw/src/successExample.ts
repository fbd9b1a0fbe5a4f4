import { examples } from '@iot-task/spec';

/** Response examples by action, HTTP status, media type and name (as `@iot-task/spec` exports them). */
export type ExamplesByAction = Readonly<
  Record<string, Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>>
>;

/** The first documented JSON example of an action's HTTP 200 answer, if the spec has one. */
export function successExample(
  action: string,
  from: ExamplesByAction = examples as unknown as ExamplesByAction,
): Record<string, unknown> | undefined {
  const named = from[action]?.['200']?.['application/json'] as Record<string, Record<string, unknown>> | undefined;
  return named ? Object.values(named)[0] : undefined;
}
