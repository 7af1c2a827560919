import { setTimeout as delay } from 'node:timers/promises';
import { parseDatabaseUrl } from '../shared/db/index.js';
import { enqueue, type EnqueueInput } from '../shared/queue/index.js';
import { isAlive, readWorker } from '../shared/worker/index.js';
import type { Simulator } from '../simulator/index.js';
import type { CliContext } from './context.js';
import { DEMO_COLUMNS, elapsed, formatRow, settled, target, type DemoRow } from './demo-format.js';

/** What the demo receives from `amiq start --simulate`. */
export interface DemoContext extends CliContext {
  simulator?: Simulator;
  /** Aborted on Ctrl-C/SIGTERM. */
  signal: AbortSignal;
  out(line: string): void;
}

/** The demo reads the rows this often: fast enough to look live, cheap for SQLite. */
const POLL_MS = 200;
const NEEDED = ['action-sender', 'manager-listener'] as const;
const CONTEXT = 'default';

/** A Redirect or Hangup a demo call receives, by its callerid, some time after it is answered. */
interface FollowUp {
  afterUpMs: number;
  what: string;
  input: (callerid: string) => EnqueueInput;
}

interface DemoCall {
  name: string;
  dial: string;
  what: string;
  params?: Record<string, string>;
  followUp?: FollowUp;
}

const byCallerid = (action: string, params: Record<string, string>) => (callerid: string) => ({ action, channel: null, callerid, params });

// Each Originate dials a Local/<exten> of the simulated dialplan (SPEC §11); its other half (;1,
// the half the row tracks) goes to 700, which stays up 10 min: the dialled side decides the outcome.
const CALLS: DemoCall[] = [
  { name: 'answered', dial: '100', what: 'answers, hangs up after 5 s' },
  { name: 'busy', dial: '400', what: 'busy' },
  { name: 'congestion', dial: '401', what: 'congestion' },
  { name: 'no-answer', dial: '500', what: 'rings 30 s, but the Originate Timeout is 3 s: no answer', params: { Timeout: '3000' } },
  {
    name: 'redirected',
    dial: '300',
    what: 'answers into Echo until a Redirect row moves it to 100 (which hangs up after 5 s)',
    followUp: { afterUpMs: 2000, what: 'moves the call to 100@default', input: byCallerid('Redirect', { Exten: '100', Context: CONTEXT, Priority: '1' }) },
  },
  {
    name: 'hung-up',
    dial: '600',
    what: 'answers for an hour, until a Hangup row ends it',
    followUp: { afterUpMs: 3000, what: 'ends the call', input: byCallerid('Hangup', { Cause: '16' }) },
  },
];

/** Sleeps unless the demo is stopped; false once it is. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch (err) {
    if (signal.aborted) return false;
    throw err;
  }
}

/**
 * Until both workers of this process are alive and logged in to the PBX (as their beats say):
 * a row sent before the listener listens would miss its call's events. False if stopped first.
 */
async function workersConnected(ctx: DemoContext): Promise<boolean> {
  const server = ctx.config.server.name;
  const beatSeconds = ctx.config.workers.beat_seconds;
  for (;;) {
    const rows = await Promise.all(NEEDED.map((name) => readWorker(ctx.db, server, name)));
    const ready = rows.every((w) => w !== undefined && w.pid === process.pid && w.ami_state === 'connected' && isAlive(w, Date.now(), beatSeconds));
    if (ready) return true;
    if (!(await pause(POLL_MS, ctx.signal))) return false;
  }
}

/** A follow-up waiting for its call: sent once the call has been up afterUpMs. */
interface Pending extends FollowUp {
  originateId: number;
  upSince?: number;
  done: boolean;
}

/**
 * `amiq start --simulate`: once the workers are connected, enqueues a few calls through the same
 * queue API a client uses, then prints every change on those rows until they are all over.
 */
export async function runDemo(ctx: DemoContext): Promise<void> {
  const { db, out, signal } = ctx;
  const missing = NEEDED.filter((n) => !ctx.config.workers.enabled.includes(n));
  if (missing.length > 0) {
    out(`demo: not run: it needs ${missing.join(' and ')} in [workers] enabled`);
    return;
  }
  out('demo: waiting for action-sender and manager-listener to log in to the simulated PBX ...');
  if (!(await workersConnected(ctx))) return;

  const server = ctx.config.server.name;
  const started = Date.now();
  const last = new Map<number, string>();
  const pending: Pending[] = [];
  const add = async (input: EnqueueInput, name: string): Promise<number> => {
    const id = await enqueue(db, { ...input, server, tag: `demo:${name}` });
    last.set(id, '');
    return id;
  };

  out(`demo: inserting ${CALLS.length} Originate rows into manager_queue, as any client would (tag demo:*):`);
  for (const call of CALLS) {
    if (signal.aborted) return; // the workers are stopping: a row now would only sit NEW
    const channel = `Local/${call.dial}@${CONTEXT}`;
    const params = { Exten: '700', Context: CONTEXT, Priority: '1', ...call.params };
    const id = await add({ action: 'Originate', channel, params }, call.name);
    out(`demo:   #${id} ${channel}: ${call.what}`);
    if (call.followUp) pending.push({ ...call.followUp, originateId: id, done: false });
  }
  out('demo: each line below is a change on a demo row: status (action-sender), then call state, reason, cause, channel (manager-listener)');

  while (!signal.aborted) {
    const rows: DemoRow[] = await db
      .selectFrom('manager_queue')
      .select(DEMO_COLUMNS)
      .where('id', 'in', [...last.keys()])
      .orderBy('id')
      .execute();
    if (signal.aborted) return;
    for (const row of rows) {
      const line = formatRow(row);
      if (last.get(row.id) === line) continue;
      last.set(row.id, line);
      out(`${elapsed(started)}  ${line}`);
    }
    for (const p of pending.filter((f) => !f.done)) {
      const call = rows.find((r) => r.id === p.originateId);
      if (call === undefined) continue;
      if (call.call_state === 'UP' && call.callerid !== null) {
        p.upSince ??= Date.now();
        if (Date.now() - p.upSince < p.afterUpMs) continue;
        p.done = true;
        const input = p.input(call.callerid);
        const id = await add(input, input.action.toLowerCase());
        out(`${elapsed(started)}  #${id} ${input.action} ${target(input)} inserted: ${p.what} (the sender finds the call's channel)`);
      } else if (settled(call)) {
        p.done = true;
        out(`${elapsed(started)}  #${call.id} ended before its follow-up; nothing more to send`);
      }
    }
    if (pending.every((p) => p.done) && rows.length === last.size && rows.every(settled)) {
      finish(ctx, last.size, started);
      return;
    }
    await pause(POLL_MS, signal);
  }
}

const shellWord = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`);

/** The command that reaches this demo's database, and an SQL shell on it (a server URL's password shows as ***). */
function databaseCommands(ctx: DemoContext): { amiq: string; sqlShell: string } {
  const where = shellWord(ctx.dbPath);
  if (ctx.database.engine === 'sqlite') return { amiq: `npx amiq --db ${where}`, sqlShell: `sqlite3 ${where}` };
  const amiq = `AMIQ_DATABASE_URL=${where} npx amiq`;
  if (ctx.database.engine === 'postgres') return { amiq, sqlShell: `psql ${where} -c` };
  const u = parseDatabaseUrl(ctx.dbPath);
  const user = decodeURIComponent(new URL(ctx.dbPath).username);
  const login = `${user ? ` -u ${shellWord(user)}` : ''}${ctx.dbPath.includes(':***@') ? ' -p' : ''}`;
  return { amiq, sqlShell: `mysql -h ${shellWord(u.host)} -P ${u.port}${login} ${shellWord(u.database)} -e` };
}

function finish(ctx: DemoContext, count: number, started: number): void {
  const { amiq, sqlShell } = databaseCommands(ctx);
  ctx.out(`demo: all ${count} demo rows settled in ${((Date.now() - started) / 1000).toFixed(1)} s. The workers keep running; Ctrl-C stops them.`);
  ctx.out('demo: try your own call from another terminal in this directory:');
  ctx.out(`demo:   ${amiq} originate --channel Local/100@default --exten 700 --context default --wait`);
  ctx.out(`demo: and look at the queue:  ${amiq} watch   or   ${amiq} show <id>`);
  ctx.out(`demo:   or in SQL: ${sqlShell} "SELECT id, action, status, call_state, call_reason, hangup_cause FROM manager_queue"`);
  if (ctx.dbPath.includes(':***@')) ctx.out('demo: (put the real password where the URL shows ***)');
}
