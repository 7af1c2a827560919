import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HttpTokenConfig } from '../../shared/config/index.js';
import { scopeOf, type TokenScope } from './scope.js';

/** The config keeps only this: the SHA-256 of the token, in hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new token: 32 random bytes, base64url, with a prefix that says what it is when it turns up in a paste. */
export function mintToken(): string {
  return `amiq_${randomBytes(32).toString('base64url')}`;
}

/**
 * Finds the scope of a presented token. Every configured hash is compared, in constant time,
 * whatever matched: the time taken says nothing about which token (or how much of one) was right.
 */
export class TokenTable {
  private readonly entries: { hash: Buffer; scope: TokenScope }[];

  constructor(tokens: readonly HttpTokenConfig[]) {
    this.entries = tokens.map((t) => ({ hash: Buffer.from(t.hash, 'hex'), scope: scopeOf(t) }));
  }

  get size(): number {
    return this.entries.length;
  }

  find(token: string): TokenScope | undefined {
    const presented = createHash('sha256').update(token, 'utf8').digest();
    let found: TokenScope | undefined;
    for (const e of this.entries) {
      if (timingSafeEqual(presented, e.hash) && found === undefined) found = e.scope;
    }
    return found;
  }
}
