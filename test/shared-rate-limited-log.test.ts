import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RateLimitedLog } from '../src/shared/rate-limited-log.js';

function capture(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { logger, lines };
}

describe('RateLimitedLog', () => {
  afterEach(() => vi.useRealTimers());

  it('logs the first few per key and interval, then one line saying how many were suppressed', () => {
    vi.useFakeTimers();
    const { logger, lines } = capture();
    const log = new RateLimitedLog(logger, { burst: 3, intervalMs: 1000 });
    for (let i = 0; i < 1000; i++) log.warn('frame', { i }, 'bad frame');
    log.warn('other', {}, 'another kind');
    expect(lines.map((l) => l['msg'])).toEqual(['bad frame', 'bad frame', 'bad frame', 'another kind']);
    vi.advanceTimersByTime(1000);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toMatchObject({ key: 'frame', suppressed: 997, msg: 'bad frame (repeats suppressed)', level: 40 });
    // A new interval logs its first few again.
    log.warn('frame', { i: 1000 }, 'bad frame');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toMatchObject({ i: 1000 });
  });

  it('a sustained flood logs burst + 1 lines per interval', () => {
    vi.useFakeTimers();
    const { logger, lines } = capture();
    const log = new RateLimitedLog(logger, { burst: 5, intervalMs: 10_000 });
    for (let s = 0; s < 60; s++) {
      for (let i = 0; i < 1000; i++) log.error('busy', {}, 'database locked');
      vi.advanceTimersByTime(1000);
    }
    expect(lines.length).toBeLessThanOrEqual(6 * 6);
    const suppressed = lines.reduce((n, l) => n + Number(l['suppressed'] ?? 0), 0);
    expect(suppressed + lines.filter((l) => l['suppressed'] === undefined).length).toBe(60_000);
  });

  it('flush writes the pending summaries at once', () => {
    const { logger, lines } = capture();
    const log = new RateLimitedLog(logger, { burst: 1 });
    log.warn('k', {}, 'x');
    log.warn('k', {}, 'x');
    log.flush();
    expect(lines.map((l) => l['suppressed'])).toEqual([undefined, 1]);
  });
});
