/** ast_callerid_parse: `"Name" <num>`, `Name <num>`, `<num>`, a bare number, or a bare name. */
export function parseCallerId(raw: string): { num: string; name: string } {
  const s = raw.trim();
  const m = /^(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(s);
  if (m) return { name: (m[1] ?? m[2] ?? '').trim(), num: shrinkNumber(m[3] ?? '') };
  if (/^[0-9+*#()\-. ]+$/.test(s)) return { num: shrinkNumber(s), name: '' };
  return { num: '', name: s.replace(/^"(.*)"$/, '$1') };
}

/** ast_shrink_phone_number: drop the punctuation people write numbers with. */
function shrinkNumber(n: string): string {
  return n.replace(/[()\-. ]/g, '');
}

/**
 * Originate `Variable:` headers: each may hold several NAME=value pairs split on `sep`
 * (`,` since 1.6, `|` in 1.4), honouring double quotes and backslash escapes.
 */
export function parseVariables(headers: readonly string[], sep: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const h of headers) {
    for (const part of splitArgs(h, sep)) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      out.push([part.slice(0, eq).trim(), part.slice(eq + 1)]);
    }
  }
  return out;
}

function splitArgs(s: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) cur += s[++i];
    else if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}
