import type { AmiHeader } from './message.js';

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
