/**
 * What the client returns for a wire type: values the spec marks `x-iot-task-decode: number`
 * (a `number | string` union on the wire, such as `Progress`) are numbers, and a string enum is an
 * open union — its known values, or another string the spec does not list yet
 * (decisions/unknown-enum-values.md).
 */
export type Decoded<T> = undefined extends T ? DecodedValue<NonNullable<T>> | undefined : DecodedValue<T>;

type DecodedValue<T> = [T] extends [string | number]
  ? [string | number] extends [T]
    ? number
    : [T] extends [string]
      ? string extends T
        ? T
        : T | (string & {})
      : T
  : T extends readonly (infer U)[]
    ? Decoded<U>[]
    : T extends object
      ? { [K in keyof T]: Decoded<T[K]> }
      : T;
