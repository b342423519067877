/**
 * Whether a URL may be used as a link or image: http(s) absolute, or relative. Refuses
 * `javascript:`, `data:` and every other scheme.
 * @param url the untrusted URL
 */
export function isSafeUrl(url: string): boolean {
  // Browsers strip these before parsing a scheme: "java\tscript:" is javascript:.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it strips.
  const compact = url.replace(/[\u0000-\u0020\u007f]/g, '');
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(compact);
  if (!scheme) return true;
  return /^https?$/i.test(scheme[1]!);
}
