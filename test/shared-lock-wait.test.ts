import { describe, expect, it } from 'vitest';
import { isBusy, unlessBusy } from '../src/shared/db/index.js';

describe('isBusy: another writer holds the lock, try again', () => {
  it('knows each engine’s lock timeout and deadlock, and nothing else', () => {
    const busy = [{ code: 'SQLITE_BUSY' }, { code: 'SQLITE_BUSY_SNAPSHOT' }, { code: '55P03' }, { code: '40P01' }, { errno: 1205 }, { errno: 1213 }];
    for (const e of busy) expect(isBusy(Object.assign(new Error('x'), e)), JSON.stringify(e)).toBe(true);
    const other = [{ code: '23505' }, { code: 'ER_DUP_ENTRY', errno: 1062 }, { code: 'ECONNRESET' }, {}, null, undefined];
    for (const e of other) expect(isBusy(e), JSON.stringify(e)).toBe(false);
    expect(unlessBusy('later')(Object.assign(new Error('deadlock'), { errno: 1213 }))).toBe('later');
    expect(() => unlessBusy('later')(new Error('other'))).toThrow('other');
  });
});
