/**
 * The modules the transport imports on first use (the XML reader; credentials, quota and
 * signing for signed calls), loaded ahead of a fake clock so that loading takes no fake time.
 */
export async function warmLazyModules(): Promise<void> {
  await Promise.all([import('../../src/decodeXmlBody.ts'), import('../../src/transport/signedAttempt.ts')]);
}
