/** A glob (`*` any text, `?` one character, nothing else special) as an anchored, case-sensitive RegExp. */
export function globRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[\\s\\S]*')
    .replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${body}$`);
}

/** A test for "matches any of these globs". */
export function globMatcher(globs: readonly string[]): (name: string) => boolean {
  const res = globs.map(globRegExp);
  return (name) => res.some((re) => re.test(name));
}
