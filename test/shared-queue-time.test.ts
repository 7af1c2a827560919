import { describe, expect, it } from 'vitest';
import { checkRowTimes, checkTimeColumn, queueTimeMs } from '../src/shared/queue/queue-time.js';

const at = (iso: string): number => new Date(iso).getTime();

describe('queue time text: what a client may write (SPEC §2)', () => {
  it.each([
    ['2026-12-06T10:00:00Z', '2026-12-06T10:00:00.000Z'],
    ['2026-12-06T10:00:00.123Z', '2026-12-06T10:00:00.123Z'],
    ['2026-12-06T10:00:00.123+02:00', '2026-12-06T08:00:00.123Z'],
    ['2026-12-06T10:00:00-05:00', '2026-12-06T15:00:00.000Z'],
    ['2026-12-06T10:00:00+0530', '2026-12-06T04:30:00.000Z'],
    ['2026-12-06T10:00:00.123456+00:00', '2026-12-06T10:00:00.123Z'],
    ['2026-12-06T23:59:59.9999Z', '2026-12-06T23:59:59.999Z'],
    ['2026-12-06 10:00:00', '2026-12-06T10:00:00.000Z'],
    ['2026-12-06 10:00:00.5', '2026-12-06T10:00:00.500Z'],
    ['2026-12-06 10:00:00.250', '2026-12-06T10:00:00.250Z'],
    ['2028-02-29 00:00:00', '2028-02-29T00:00:00.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
  ])('%s is the instant %s', (text, iso) => {
    expect(queueTimeMs(text)).toBe(at(iso));
    expect(checkTimeColumn('not_before', text)).toBeNull();
  });

  it.each([
    'tomorrow',
    'now',
    '',
    ' 2026-12-06 10:00:00',
    '2026-12-06 10:00:00 ',
    '2026-12-06T10:00:00',
    '2026-12-06T10:00:00.123',
    '2026-12-06',
    '2026-12-06T10:00Z',
    '2026-12-06 10:00',
    '2026-12-06 10:00:00Z',
    '2026-12-06 10:00:00+02:00',
    '1765015200',
    '1765015200000',
    '2026-12-06t10:00:00z',
    '2026-12-06T10:00:00+2:00',
    '26-12-06 10:00:00',
    '2026/12/06 10:00:00',
    '2026-12-06T10:00:00.Z',
    '2026-12-06T10:00:00.1234567890Z',
  ])('%j is not a time', (text) => {
    expect(queueTimeMs(text)).toBeNull();
    expect(checkTimeColumn('expires_at', text)).toBe(
      `expires_at: ${JSON.stringify(text)} is not a time (ISO-8601 with Z or an offset, or YYYY-MM-DD HH:MM:SS UTC)`,
    );
  });

  it.each([
    ['2026-13-01 00:00:00', 'month 13'],
    ['2026-00-10T00:00:00Z', 'month 00'],
    ['2026-02-30 10:00:00', 'day 30 of 2026-02'],
    ['2026-02-29T10:00:00Z', 'day 29 of 2026-02'],
    ['2100-02-29 10:00:00', 'day 29 of 2100-02'],
    ['2026-04-31 10:00:00', 'day 31 of 2026-04'],
    ['2026-12-00 10:00:00', 'day 00 of 2026-12'],
    ['2026-12-06 24:00:00', 'hour 24'],
    ['2026-12-06T10:60:00Z', 'minute 60'],
    ['2026-12-06T10:00:60Z', 'second 60'],
    ['2026-12-06T10:00:00+24:00', 'offset +24:00'],
    ['2026-12-06T10:00:00-05:60', 'offset -05:60'],
  ])('%s has its %s out of range', (text, what) => {
    expect(queueTimeMs(text)).toBeNull();
    expect(checkTimeColumn('created_at', text)).toBe(`created_at: ${JSON.stringify(text)} is not a time: ${what} is out of range`);
  });

  it('a value that is not text (a blob) is not a time; NULL is no time at all and fine', () => {
    expect(queueTimeMs(Buffer.from('2026-12-06 10:00:00'))).toBeNull();
    expect(checkTimeColumn('not_before', Buffer.from('x'))).toMatch(/^not_before: a blob is not a time/);
    expect(checkTimeColumn('not_before', null)).toBeNull();
  });

  it('a row names the first bad column: not_before, expires_at, created_at', () => {
    const good = { not_before: null, expires_at: '2026-12-06 10:00:00', created_at: '2026-12-06T09:00:00.000Z' };
    expect(checkRowTimes(good)).toBeNull();
    expect(checkRowTimes({ ...good, created_at: 'x', expires_at: 'y' })).toMatch(/^expires_at: "y"/);
    expect(checkRowTimes({ ...good, created_at: '2026-12-06T09:00:00' })).toMatch(/^created_at: "2026-12-06T09:00:00" is not a time/);
  });
});
