import { Counter, Gauge, type Registry } from 'prom-client';
import type { Kysely } from 'kysely';
import { countQueueByStatus } from '../../shared/db/stats/count-queue-by-status.js';
import { QUEUE_STATUSES, type Database, type WorkerRow } from '../../shared/db/schema.js';
import { isAlive } from '../../shared/worker/is-alive.js';
import { listWorkers } from '../../shared/worker/list-workers.js';
import { oldestNewRow } from '../../shared/db/stats/oldest-new-row.js';

/** A counter a worker keeps in its `workers` row (counters JSON), exposed per server. */
interface WorkerCounter {
  name: string;
  help: string;
  worker: string;
  counter: string;
}

const WORKER_COUNTERS: readonly WorkerCounter[] = [
  { name: 'amiq_actions_sent_total', help: 'actions the action-sender wrote to Asterisk', worker: 'action-sender', counter: 'sent' },
  { name: 'amiq_listener_events_total', help: 'AMI events the manager-listener read', worker: 'manager-listener', counter: 'events' },
  { name: 'amiq_heartbeat_requests_total', help: 'UDP requests the heartbeat received', worker: 'heartbeat', counter: 'requests' },
  { name: 'amiq_cleaner_kicks_total', help: 'conference members the meetme-cleaner kicked', worker: 'meetme-cleaner', counter: 'kicks' },
];

const counters = (w: WorkerRow): Record<string, number> => {
  try {
    return JSON.parse(w.counters) as Record<string, number>;
  } catch {
    return {};
  }
};

/**
 * What other processes do, read from the database at each scrape: the queue by status, the
 * oldest waiting row, and each worker's registration (alive, AMI connection, its counters, which
 * it writes with every beat). A worker's counters restart from 0 with the worker, as Prometheus
 * counters may. `refresh()` reads them; the scrape calls it before rendering.
 */
export function databaseGauges(registry: Registry, db: Kysely<Database>, beatSeconds: number): { refresh(): Promise<void> } {
  // One read per scrape, however many scrapes come at once (the metrics are set up below).
  let pending: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (pending ??= (async () => {
      const [byStatus, workers] = await Promise.all([countQueueByStatus(db), listWorkers(db)]);
      const servers = new Set([...byStatus.map((r) => r.server), ...workers.map((w) => w.server)]);
      rows.reset();
      for (const server of servers) for (const status of QUEUE_STATUSES) rows.set({ server, status }, 0);
      for (const r of byStatus) rows.set({ server: r.server, status: r.status }, Number(r.count));
      oldest.reset();
      const now = Date.now();
      for (const server of servers) {
        const o = await oldestNewRow(db, server);
        oldest.set({ server }, o === undefined ? 0 : Math.max(0, (now - Date.parse(o.created_at)) / 1000));
      }
      up.reset();
      ami.reset();
      connects.reset();
      for (const m of perWorker) m.metric.reset();
      for (const w of workers) {
        const labels = { server: w.server, worker: w.name };
        const c = counters(w);
        up.set(labels, isAlive(w, now, beatSeconds) ? 1 : 0);
        if (w.ami_state !== 'n/a') {
          ami.set(labels, w.ami_state === 'connected' && isAlive(w, now, beatSeconds) ? 1 : 0);
          connects.inc(labels, c['ami_reconnects'] ?? 0);
        }
        for (const m of perWorker) if (w.name === m.worker) m.metric.inc({ server: w.server }, c[m.counter] ?? 0);
      }
    })().finally(() => (pending = undefined)));
  const rows = new Gauge({ name: 'amiq_queue_rows', help: 'manager_queue rows by status', labelNames: ['server', 'status'], registers: [registry] });
  const oldest = new Gauge({
    name: 'amiq_queue_oldest_new_seconds',
    help: 'age of the oldest row waiting to be sent (0 when none)',
    labelNames: ['server'],
    registers: [registry],
  });
  const up = new Gauge({ name: 'amiq_worker_up', help: '1 when the worker beats', labelNames: ['server', 'worker'], registers: [registry] });
  const ami = new Gauge({
    name: 'amiq_ami_connected',
    help: "1 when the worker's AMI connection is up",
    labelNames: ['server', 'worker'],
    registers: [registry],
  });
  const connects = new Counter({
    name: 'amiq_ami_reconnects_total',
    help: 'AMI connections made after the first, since the worker started',
    labelNames: ['server', 'worker'],
    registers: [registry],
  });
  const perWorker = WORKER_COUNTERS.map((c) => ({ ...c, metric: new Counter({ name: c.name, help: c.help, labelNames: ['server'], registers: [registry] }) }));

  return { refresh };
}
