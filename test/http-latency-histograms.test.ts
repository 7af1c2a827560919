import { EventEmitter } from 'node:events';
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import type { ChangeEntry } from '../src/http/change-feed/change-entry.js';
import type { ChangeFeed } from '../src/http/change-feed/change-feed.js';
import { latencyHistograms } from '../src/http/metrics/latency-histograms.js';

/** A feed stand-in: entries appended, then 'advance' as the real feed emits it. */
class FakeFeed extends EventEmitter {
  readonly entries: ChangeEntry[] = [];
  get cursor(): number {
    return this.entries.at(-1)?.seq ?? 0;
  }
  get ringStart(): number {
    return this.entries[0]?.seq ?? 1;
  }
  since(after: number): ChangeEntry[] {
    return this.entries.filter((e) => e.seq > after);
  }
  push(row: Record<string, unknown>): void {
    const seq = this.cursor + 1;
    this.entries.push({ seq, server: 'default', tag: null, row: row as never, text: '' });
  }
}

const count = async (registry: Registry, name: string): Promise<number> => {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name)!;
  // A histogram's values name their series (_bucket, _sum, _count).
  const values = metric.values as Array<{ metricName?: string; value: number }>;
  return values.find((v) => v.metricName === `${name}_count`)?.value ?? 0;
};

it('observes each row once per histogram, though every change entry carries the row as it is now', async () => {
  const registry = new Registry();
  const feed = new FakeFeed();
  const h = latencyHistograms(registry, feed as unknown as ChangeFeed);
  const done = {
    id: 1,
    server: 'default',
    status: 'SUCCESS',
    created_at: '2026-12-06T08:00:00.000Z',
    sent_at: '2026-12-06T08:00:00.002Z',
    response_at: '2026-12-06T08:00:00.003Z',
    call_state: 'DIALING',
  };
  // The INSERT's, SENDING's, SENT's and SUCCESS's entries read after the last of them, then the listener's call progress.
  for (let i = 0; i < 4; i++) feed.push(done);
  feed.emit('advance');
  feed.push({ ...done, call_state: 'UP' });
  feed.push({ ...done, call_state: 'ENDED' });
  feed.emit('advance');
  expect(await count(registry, 'amiq_insert_to_sent_seconds')).toBe(1);
  expect(await count(registry, 'amiq_sent_to_response_seconds')).toBe(1);
  h.stop();
});
