/** The module the transport imports on first use (the XML reader), loaded ahead of a fake clock. */
export async function warmLazyModules(): Promise<void> {
  await import('../../src/decodeXmlBody.ts');
}
