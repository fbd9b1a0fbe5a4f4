import { ValidationError } from './errors.ts';

/** The longest delay a timer takes: setTimeout fires at once past 2³¹−1 ms (about 24.8 days). */
export const MAX_DELAY_MS = 2 ** 31 - 1;

/** A value as an error message quotes it: strings quoted (so `"5"` and `5` differ), long ones summarised. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return Array.isArray(value) ? 'an array' : 'an object';
}

/** An options object: undefined (every default) or a plain object — never null, an array or a string. */
export function optionsObject<T extends object>(field: string, value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(field, 'an object of options (or nothing)', describeValue(value));
  }
  return value;
}

/** A duration in milliseconds that a timer can wait: > `min` (or ≥ 0 with `min: 0`) and at most 2³¹−1. */
export function milliseconds(
  field: string,
  value: unknown,
  fallback: number,
  min: 'positive' | number = 'positive',
): number {
  if (value === undefined) return fallback;
  const low = min === 'positive' ? 0 : min;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (min === 'positive' ? value > 0 : value >= low) &&
    value <= MAX_DELAY_MS;
  if (!ok) {
    const from = min === 'positive' ? 'more than 0' : `at least ${low}`;
    throw new ValidationError(
      field,
      `a number of milliseconds, ${from} and at most ${MAX_DELAY_MS}`,
      describeValue(value),
    );
  }
  return value as number;
}

/** A positive number (a rate, a factor): finite and > 0, or ≥ `min` when given. */
export function positiveNumber(field: string, value: unknown, fallback: number, min?: number): number {
  if (value === undefined) return fallback;
  const ok = typeof value === 'number' && Number.isFinite(value) && (min === undefined ? value > 0 : value >= min);
  if (!ok) {
    throw new ValidationError(
      field,
      min === undefined ? 'a positive number' : `a number >= ${min}`,
      describeValue(value),
    );
  }
  return value as number;
}

/** A whole number from `min` to `max`. */
export function integerIn(field: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `an integer from ${min} to ${max}`, describeValue(value));
  }
  return value;
}

/** One of a few strings. */
export function oneOf<T extends string>(field: string, value: T | undefined, allowed: readonly T[], fallback: T): T;
export function oneOf<T extends string>(field: string, value: T | undefined, allowed: readonly T[]): T | undefined;
export function oneOf<T extends string>(field: string, value: T | undefined, allowed: readonly T[], fallback?: T) {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) throw new ValidationError(field, `one of ${allowed.join(', ')}`, describeValue(value));
  return value;
}

/** A function, or nothing. */
export function optionalFunction<T>(field: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ValidationError(field, 'a function (or nothing)', describeValue(value));
  }
  return value;
}

/** An AbortSignal, or nothing. */
export function optionalSignal(field: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as Partial<AbortSignal> | null;
  if (
    typeof signal !== 'object' ||
    signal === null ||
    typeof signal.aborted !== 'boolean' ||
    typeof signal.addEventListener !== 'function' ||
    typeof signal.removeEventListener !== 'function'
  ) {
    throw new ValidationError(field, 'an AbortSignal (or nothing)', describeValue(value));
  }
  return value as AbortSignal;
}
