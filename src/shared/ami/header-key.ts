import type { AmiHeader } from './header-line.js';

/**
 * Whether `text[at, at + key.length)` is `key`, ignoring ASCII case: Asterisk compares header
 * names with strcasecmp, so `UniqueID` (1.6–11 Dial) is `Uniqueid`.
 */
export function keyAt(text: string, at: number, key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const a = text.charCodeAt(at + i);
    const b = key.charCodeAt(i);
    if (a === b) continue;
    const la = a | 32;
    if (la !== (b | 32) || la < 97 || la > 122) return false;
  }
  return true;
}

/** Header names equal as Asterisk compares them (ASCII case ignored). */
export function sameKey(a: string, b: string): boolean {
  return a === b || (a.length === b.length && keyAt(a, 0, b));
}

/** First value of `key` in split headers (ASCII case ignored), or undefined. */
export function findValue(headers: readonly AmiHeader[], key: string): string | undefined {
  for (const h of headers) if (sameKey(h[0], key)) return h[1];
  return undefined;
}

interface Named {
  key: string;
  id: number;
}

/**
 * The few header names a consumer reads out of messages of 15-60 headers (`AmiMessage.scan`). A
 * line's key is compared in place, ASCII case ignored, with the names of its length, so most
 * lines (Privilege, Exten, Context...) meet none; no key is cut out of the text and nothing is
 * hashed. A name matches by its index: the `exact` names first, then the `prefixes`, which match
 * a key's start (ChanVariable(<chan>) of 1.8-11).
 */
export class HeaderKeys {
  private readonly byLength: Named[][] = [];
  private readonly prefixes: Named[];

  constructor(exact: readonly string[], prefixes: readonly string[] = []) {
    exact.forEach((key, id) => (this.byLength[key.length] ??= []).push({ key, id }));
    this.prefixes = prefixes.map((key, i) => ({ key, id: exact.length + i }));
  }

  /** The index of the key `text[start, end)`, or -1 for a key not asked for. */
  match(text: string, start: number, end: number): number {
    const len = end - start;
    const same = this.byLength[len];
    if (same !== undefined) for (const n of same) if (keyAt(text, start, n.key)) return n.id;
    for (const n of this.prefixes) if (len >= n.key.length && keyAt(text, start, n.key)) return n.id;
    return -1;
  }
}
