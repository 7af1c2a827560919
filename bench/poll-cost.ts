/**
 * What MySQL/MariaDB's wake-up poll costs while the queue is idle (no NEW row): the PollSignal's
 * queries per second at an interval, the CPU it takes in the client process, and the database
 * server's CPU per poll query (measured over a tight loop of the same query, from the server
 * process's /proc/<pid>/stat where readable; the machine is shared, so that figure includes
 * whatever else the server did meanwhile). The client's CPU is measured net of the same process
 * idle without the poll.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { PollSignal } from '../src/shared/db/mysql/poll-signal.js';
import type { AmiqDatabase } from '../src/shared/db/index.js';

class CountQueries implements KyselyPlugin {
  count = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.count++;
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** CPU ms used so far by the process named `name` (the first found), or undefined when unreadable. */
function serverCpuMs(name: string): number | undefined {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== name) continue;
      // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th fields.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      continue;
    }
  }
  return undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** This process's CPU (all threads) over `seconds` of waiting, per second of wall time. */
async function cpuOver(seconds: number): Promise<{ wall: number; cpuMsPerSecond: number }> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { wall, cpuMsPerSecond: (cpu.user + cpu.system) / 1000 / wall };
}

export interface PollCost {
  intervalMs: number;
  queriesPerSecond: number;
  /** Client CPU the poll adds, ms per second of wall time (10 = 1 % of a core), net of the same process idle without it. */
  clientCpuMsPerSecond: number;
  /** Database server CPU per poll query, µs; undefined when its process could not be read. */
  serverCpuUsPerQuery: number | undefined;
}

/**
 * The process idle for `seconds`, then polling at `intervalMs` for as long (the difference is the
 * poll's client CPU), then the server's cost of the query over `loop` polls back to back.
 */
export async function measurePollCost(h: AmiqDatabase, intervalMs: number, seconds = 3, loop = 2000): Promise<PollCost> {
  const counter = new CountQueries();
  const db = h.db.withPlugin(counter);
  const hold = setInterval(() => undefined, 1000);
  // The same process idle without the poll, first: what the process costs anyway (timers, GC, the pool).
  const idle = await cpuOver(seconds);
  const signal = new PollSignal(db, { server: 'default', intervalMs });
  await signal.ready;
  const q0 = counter.count;
  const polling = await cpuOver(seconds);
  const queries = counter.count - q0;
  signal.close();
  clearInterval(hold);

  // The poll's query back to back: the server's CPU per poll.
  const query = db
    .selectFrom('manager_queue')
    .select((eb) => [eb.fn.max('id').as('top'), eb.fn.countAll().as('n')])
    .where('status', '=', 'NEW')
    .where('server', '=', 'default');
  const s0 = serverCpuMs('mariadbd') ?? serverCpuMs('mysqld');
  const loopStart = counter.count;
  for (let i = 0; i < loop; i++) await query.executeTakeFirst();
  const s1 = serverCpuMs('mariadbd') ?? serverCpuMs('mysqld');
  const ran = counter.count - loopStart;
  return {
    intervalMs,
    queriesPerSecond: queries / polling.wall,
    clientCpuMsPerSecond: Math.max(0, polling.cpuMsPerSecond - idle.cpuMsPerSecond),
    serverCpuUsPerQuery: s0 === undefined || s1 === undefined ? undefined : ((s1 - s0) * 1000) / ran,
  };
}
