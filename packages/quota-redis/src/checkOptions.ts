import { ValidationError } from '@iot-task/client';

const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** A duration a timer can wait: more than 0 and at most 2³¹−1 ms. */
export function positiveMs(field: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > LONGEST_TIMER_MS) {
    throw new ValidationError(
      field,
      `a number of milliseconds, more than 0 and at most ${LONGEST_TIMER_MS}`,
      String(value),
    );
  }
  return value;
}

/** A name: a non-empty string of at most 256 characters. */
export function nonEmpty(field: string, value: unknown, fallback?: string): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 256) {
    throw new ValidationError(
      field,
      'a non-empty string of at most 256 characters',
      typeof value === 'string' ? `${value.length} characters` : typeof value,
    );
  }
  return value;
}
