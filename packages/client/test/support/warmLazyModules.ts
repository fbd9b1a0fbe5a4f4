/** The modules the transport imports on first use (XML reader, drift checker), loaded ahead of a fake clock. */
export async function warmLazyModules(): Promise<void> {
  await import('../../src/decodeXmlBody.ts');
  await import('../../src/validateValue.ts');
}
