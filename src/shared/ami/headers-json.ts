const LINE_FEED = 10;
const RETURN = 13;
const SPACE = 32;
const QUOTE = 34;
const COLON = 58;
const BACKSLASH = 92;
const OPEN = 91;
const CLOSE = 93;
const COMMA = 44;

// Messages up to 16K characters (any UTF-8) take the fast path; a line of n bytes becomes at
// most n + 8 ('["', '","', '"]', ','), and the shortest line (':' LF) is 2 bytes.
const MAX_CHARS = 16 * 1024;
const src = Buffer.allocUnsafe(MAX_CHARS * 3);
const out = Buffer.allocUnsafe(src.length * 5 + 2);

/**
 * The JSON text of header lines `text`, split as the parser splits them: exactly
 * `JSON.stringify` of the split headers, `[["Event","Hangup"],["Channel","..."],...]`, or
 * undefined when the text holds a character JSON escapes (quote, backslash, control character
 * other than a line's CR LF; Asterisk's headers almost never hold one) or is over the fast path's
 * size. Rewritten byte by byte without splitting: the split headers (an array and two strings
 * per line) were the listener's largest allocation in an event storm, and this is about twice as
 * fast.
 */
export function headersJsonOf(text: string): string | undefined {
  return text.length <= MAX_CHARS ? rewrite(text) : undefined;
}

/** The JSON of `text`'s header lines, split as the parser splits them; undefined if it needs escaping. */
function rewrite(text: string): string | undefined {
  // UTF-8 as stored; the parser's decoder never yields a lone surrogate (JSON.stringify would escape one).
  const n = src.write(text, 0, 'utf8');
  let w = 0;
  out[w++] = OPEN;
  for (let i = 0; i < n;) {
    if (w > 1) out[w++] = COMMA;
    out[w++] = OPEN;
    out[w++] = QUOTE;
    let inValue = false;
    for (; i < n; i++) {
      const c = src[i]!;
      if (c === LINE_FEED || (c === RETURN && src[i + 1] === LINE_FEED)) break;
      if (c === COLON && !inValue) {
        // Key ends at the first colon; one space after it separates, the rest is value.
        out[w++] = QUOTE;
        out[w++] = COMMA;
        out[w++] = QUOTE;
        inValue = true;
        if (src[i + 1] === SPACE) i++;
        continue;
      }
      if (c < SPACE || c === QUOTE || c === BACKSLASH) return undefined;
      out[w++] = c;
    }
    if (!inValue) {
      out[w++] = QUOTE;
      out[w++] = COMMA;
      out[w++] = QUOTE;
    }
    out[w++] = QUOTE;
    out[w++] = CLOSE;
    if (i < n) i += src[i] === RETURN ? 2 : 1;
  }
  out[w++] = CLOSE;
  return out.toString('utf8', 0, w);
}
