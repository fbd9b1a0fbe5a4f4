import { ValidationError } from '@iot-task/client';

/** A Redis URL, checked, and how it may be shown: never with its password. */
export interface RedisAddress {
  readonly url: string;
  /** The URL with its password (and a username's password) replaced by `***`. */
  readonly shown: string;
  /** The password, to mask wherever a message could quote it. */
  readonly password: string | undefined;
}

/** Checks `redis://[[user]:password@]host[:port][/db]` (or `rediss://` for TLS). */
export function redisAddress(field: string, value: unknown): RedisAddress {
  const expected = 'a Redis URL: redis://[:password@]host[:port][/db] or rediss://…';
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ValidationError(field, expected, typeof value === 'string' ? '""' : typeof value);
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    // Not quoted back: it may hold a password.
    throw new ValidationError(field, expected, 'text that is not a URL');
  }
  const password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
  if (password !== undefined) parsed.password = '***';
  const shown = parsed.toString();
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ValidationError(field, expected, shown);
  }
  if (parsed.hostname === '') throw new ValidationError(field, `${expected} (with a host)`, shown);
  if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d+$/.test(parsed.pathname)) {
    throw new ValidationError(field, `${expected} (the path is a database number)`, shown);
  }
  return { url: value, shown, password };
}

/** `text` with the password masked, wherever it appears (encoded or not). */
export function maskPassword(text: string, address: RedisAddress): string {
  const { password } = address;
  if (!password) return text;
  let masked = text.split(password).join('***');
  const encoded = encodeURIComponent(password);
  if (encoded !== password) masked = masked.split(encoded).join('***');
  return masked;
}
