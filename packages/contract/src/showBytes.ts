/** A byte sequence shown so a person can read it: printable ASCII as text, the rest as hex. */
export function showBytes(bytes: Uint8Array, max = 24): string {
  const part = Buffer.from(bytes.subarray(0, max));
  const printable = part.every((b) => b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
  const shown = printable
    ? JSON.stringify(part.toString('latin1'))
    : [...part].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? `${shown}…` : shown;
}
