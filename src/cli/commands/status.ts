import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import type { AmiqConfig } from '../../shared/config/index.js';
import { countQueueByStatus, oldestNewRow, type Database } from '../../shared/db/index.js';
import { queueTimeMs } from '../../shared/queue/queue-time.js';
import { isAlive, listWorkers } from '../../shared/worker/index.js';
import { action, globalOptions, openContext } from '../context.js';

export interface WorkerStatus {
  server: string;
  name: string;
  /** In workers.enabled and serving the configured server. */
  enabled: boolean;
  alive: boolean;
  /** 'never started' when an enabled worker has no row. */
  state: string;
  pid: number | null;
  host: string | null;
  started_at: string | null;
  uptime_seconds: number | null;
  beat_age_seconds: number | null;
  ami_state: string | null;
  counters: Record<string, number>;
  last_error: string | null;
  last_error_at: string | null;
}

export interface StatusReport {
  server: string;
  database: string;
  workers: WorkerStatus[];
  /** server → status → rows */
  queue: Record<string, Record<string, number>>;
  oldest_new: { id: number; created_at: string; age_seconds: number | null } | null;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

function parseCounters(text: string): Record<string, number> {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/**
 * Every server's workers and queue (hosts sharing a database each write their own rows), or only
 * `onlyServer`'s.
 */
export async function collectStatus(db: Kysely<Database>, config: AmiqConfig, dbPath: string, nowMs = Date.now(), onlyServer?: string): Promise<StatusReport> {
  const beat = config.workers.beat_seconds;
  const rows = await listWorkers(db, onlyServer);
  const workers: WorkerStatus[] = rows.map((r) => {
    const alive = isAlive(r, nowMs, beat);
    return {
      server: r.server,
      name: r.name,
      enabled: r.server === config.server.name && (config.workers.enabled as string[]).includes(r.name),
      alive,
      state: alive ? r.state : r.state === 'stopped' || r.state === 'crashed' ? r.state : `${r.state} (no beat: dead)`,
      pid: r.pid,
      host: r.host,
      started_at: r.started_at,
      uptime_seconds: alive ? seconds(nowMs - Date.parse(r.started_at)) : null,
      beat_age_seconds: seconds(nowMs - Date.parse(r.beat_at)),
      ami_state: r.ami_state,
      counters: parseCounters(r.counters),
      last_error: r.last_error,
      last_error_at: r.last_error_at,
    };
  });
  for (const name of onlyServer === undefined || onlyServer === config.server.name ? config.workers.enabled : []) {
    if (rows.some((r) => r.server === config.server.name && r.name === name)) continue;
    workers.push({
      server: config.server.name,
      name,
      enabled: true,
      alive: false,
      state: 'never started',
      pid: null,
      host: null,
      started_at: null,
      uptime_seconds: null,
      beat_age_seconds: null,
      ami_state: null,
      counters: {},
      last_error: null,
      last_error_at: null,
    });
  }
  const queue: StatusReport['queue'] = {};
  for (const q of await countQueueByStatus(db, onlyServer)) (queue[q.server] ??= {})[q.status] = Number(q.count);
  const oldest = await oldestNewRow(db, onlyServer);
  return {
    server: config.server.name,
    database: dbPath,
    workers,
    queue,
    oldest_new: oldest ? { id: oldest.id, created_at: oldest.created_at, age_seconds: ageSeconds(nowMs, oldest.created_at) } : null,
  };
}

/** Seconds since a client-written time (any form the queue accepts); null when it names none. */
function ageSeconds(nowMs: number, time: string): number | null {
  const at = queueTimeMs(time);
  return at === null ? null : seconds(nowMs - at);
}

function duration(s: number): string {
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  return s < 172800 ? `${Math.floor(s / 3600)}h` : `${Math.floor(s / 86400)}d`;
}

/** Exit code of `amiq status` when an enabled worker is down or its AMI is not connected (0 when all are well). */
export const STATUS_UNHEALTHY = 3;

/** AMI states a healthy worker may show: connected, or 'n/a' for a worker run without Asterisk (heartbeat -t/-l). */
const AMI_OK = ['connected', 'n/a'];

/** What is wrong with this host's enabled workers, one phrase each; empty when all are well. */
export function healthProblems(r: StatusReport): string[] {
  const problems: string[] = [];
  for (const w of r.workers) {
    if (!w.enabled) continue;
    if (!w.alive) problems.push(`${w.name} down`);
    else if (w.ami_state !== null && !AMI_OK.includes(w.ami_state)) problems.push(`${w.name} AMI ${w.ami_state}`);
  }
  return problems;
}

export function formatStatus(r: StatusReport): string {
  const lines = [`database ${r.database}; this host serves server "${r.server}"`, '', 'workers:'];
  // A server column: hosts sharing one database each serve their own server.
  const width = Math.max(6, ...r.workers.map((w) => w.server.length));
  for (const w of r.workers) {
    const who = `${w.server.padEnd(width)}  ${w.name}`;
    const where = w.pid === null ? '' : ` pid ${w.pid} on ${w.host}`;
    const up = w.uptime_seconds === null ? '' : `, up ${duration(w.uptime_seconds)}`;
    const beat = w.beat_age_seconds === null || w.alive ? '' : `, last beat ${duration(w.beat_age_seconds)} ago`;
    const ami = w.ami_state === null || !w.alive ? '' : `, AMI ${w.ami_state}`;
    const err = w.last_error === null ? '' : `, last error: ${w.last_error}`;
    lines.push(`  ${w.alive ? 'ALIVE' : 'DOWN '} ${who}: ${w.state}${where}${up}${beat}${ami}${err}`);
  }
  lines.push('', 'queue:');
  const servers = Object.keys(r.queue);
  if (servers.length === 0) lines.push('  (empty)');
  for (const s of servers) {
    const counts = Object.entries(r.queue[s]!).map(([status, n]) => `${status} ${n}`);
    lines.push(`  ${s}: ${counts.join(', ')}`);
  }
  if (r.oldest_new) {
    const age = r.oldest_new.age_seconds;
    lines.push(
      `  oldest NEW row: #${r.oldest_new.id}, ${age === null ? `created_at ${JSON.stringify(r.oldest_new.created_at)} is not a time` : `waiting ${duration(age)}`}`,
    );
  }
  const problems = healthProblems(r);
  lines.push('', problems.length === 0 ? 'health: OK' : `health: NOT OK (exit ${STATUS_UNHEALTHY}): ${problems.join(', ')}`);
  return lines.join('\n');
}

export function register(program: Command): void {
  program
    .command('status')
    .description(
      `every server's workers (alive, pid, uptime, AMI state, last error) and queue counts, or --server S's only; exit 0 when every enabled worker is alive and connected, ${STATUS_UNHEALTHY} when not, 2 bad config or no database`,
    )
    .option('--json', 'one JSON object')
    .action(
      action('status', async (flags: { json?: boolean }, cmd: Command) => {
        const global = globalOptions(cmd);
        const c = await openContext({ ...global, logLevel: 'warn' });
        try {
          // --server (the global flag) shows that server only; without it, every server's.
          const report = await collectStatus(c.db, c.config, c.dbPath, Date.now(), global.server);
          process.stdout.write((flags.json ? JSON.stringify(report) : formatStatus(report)) + '\n');
          return healthProblems(report).length === 0 ? 0 : STATUS_UNHEALTHY;
        } finally {
          await c.close();
        }
      }),
    );
}
