import { describeThrown, ValidationError } from './errors.ts';

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
  const array = isArrayOrUnreadable(value as object);
  return array === 'unreadable' ? 'a revoked Proxy' : array ? 'an array' : 'an object';
}

/**
 * The caller's object read once into a plain record (its own enumerable properties, and `names`
 * it may hold as non-enumerable ones): a revoked Proxy, a getter or an `ownKeys` trap that throws
 * is the caller's mistake, named here as a ValidationError — never a raw TypeError from deep
 * inside a call, nor a value that changes between two reads.
 */
export function readRecord(field: string, value: object, names: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let reading: string | undefined;
  try {
    for (const name of [...Object.keys(value), ...names]) {
      if (Object.hasOwn(out, name) || !Object.hasOwn(value, name)) continue;
      reading = name;
      // Defined, not assigned: a `__proto__` key stays a key (and is refused as one), never a prototype.
      Object.defineProperty(out, name, {
        value: (value as Record<string, unknown>)[name],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  } catch (error) {
    throw new ValidationError(
      field,
      'an object whose properties can be read',
      reading === undefined
        ? `one that cannot be read (${describeThrown(error)})`
        : `one whose ${reading} threw when read (${describeThrown(error)})`,
    );
  }
  return out;
}

/** Array.isArray, for a value that may be a revoked Proxy (which it throws on). */
function isArrayOrUnreadable(value: object): boolean | 'unreadable' {
  try {
    return Array.isArray(value);
  } catch {
    return 'unreadable';
  }
}

/** An options object: undefined (every default) or a plain object — never null, an array or a string. */
export function optionsObject<T extends object>(field: string, value: T | undefined): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || isArrayOrUnreadable(value) === true) {
    throw new ValidationError(field, 'an object of options (or nothing)', describeValue(value));
  }
  if (isArrayOrUnreadable(value) === 'unreadable') {
    throw new ValidationError(field, 'an object of options (or nothing)', 'a revoked Proxy');
  }
  return readRecord(field, value) as T;
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
