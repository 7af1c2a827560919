import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../src/shared/db/index.js';
import { eventually, exitOf } from './helpers/shared-helpers.js';
import { freeUdpPort } from './helpers/free-udp-port.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'amiq.js');
let dir: string | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exitOf(child);
  }
  child = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Every stdout line as it arrives; `until(re)` resolves on the first matching line, rejects if the process exits first. */
function follow(proc: ChildProcess) {
  const lines: string[] = [];
  let stderr = '';
  const waiters: Array<{ re: RegExp; resolve: (line: string) => void }> = [];
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((x) => x.re.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  const until = (re: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`exited ${code} before ${re}:\n${lines.join('\n')}\n${stderr}`));
      proc.once('exit', onExit);
      waiters.push({ re, resolve: (line) => (proc.off('exit', onExit), resolve(line)) });
    });
  return { lines, until, stderr: () => stderr };
}

/** `amiq start --simulate` in a fresh directory, its database at `db` there; resolves once every demo row settled. */
async function startDemo(db: string): Promise<{ dbPath: string; proc: ChildProcess; out: ReturnType<typeof follow> }> {
  dir = mkdtempSync(join(tmpdir(), 'amiq-demo-'));
  writeFileSync(join(dir, 'demo.toml'), `[heartbeat]\nbind = "127.0.0.1"\nport = ${await freeUdpPort()}\n`);
  const dbPath = join(dir, db);
  const env = { ...process.env };
  delete env['AMIQ_CONFIG'];
  delete env['AMIQ_DB'];
  delete env['LOG_LEVEL'];
  const proc = spawn(process.execPath, [BIN, '--config', 'demo.toml', '--db', dbPath, 'start', '--simulate'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  const out = follow(proc);
  // The demo's last line, after the one saying every row settled.
  await out.until(/^amiq: demo: +or in SQL: /);
  return { dbPath, proc, out };
}

describe('amiq start --simulate (the demo; needs npm run build)', () => {
  it('enqueues the sample calls, shows them live, each ends as its extension says; SIGINT exits 0', async () => {
    const { dbPath, proc, out } = await startDemo(join('fresh', 'demo.db'));
    const text = out.lines.join('\n');
    expect(text).toMatch(/^amiq: demo: all 8 demo rows settled in [\d.]+ s\. The workers keep running; Ctrl-C stops them\.$/m);
    expect(text).toContain('workers: action-sender, manager-listener, heartbeat, meetme-cleaner');
    expect(text).toMatch(/#\d+\s+Originate\s+Local\/400@default\s+SUCCESS\s+call FAILED\s+reason 5 busy/);
    expect(text).toMatch(/#\d+\s+Redirect\s+Local\/300@default-\d{8};1\s+SUCCESS/);
    expect(text).toContain(`npx amiq --db ${dbPath} originate --channel Local/100@default`);
    expect(text).toContain(`or in SQL: sqlite3 ${dbPath} "SELECT`);
    // Warnings would be JSON log lines among the demo's; there should be none.
    expect(out.lines.filter((l) => !l.startsWith('amiq: '))).toEqual([]);

    const h = openSqlite(dbPath);
    try {
      const rows = await h.db.selectFrom('manager_queue').selectAll().where('tag', 'like', 'demo:%').orderBy('id').execute();
      const by = Object.fromEntries(rows.map((r) => [r.tag!.slice('demo:'.length), r]));
      expect(Object.keys(by).sort()).toEqual(['answered', 'busy', 'congestion', 'hangup', 'hung-up', 'no-answer', 'redirect', 'redirected']);
      expect(rows.every((r) => r.status === 'SUCCESS')).toBe(true);

      expect(by['answered']).toMatchObject({ channel: 'Local/100@default', call_state: 'ENDED', call_reason: 4, hangup_cause: 16 });
      expect(by['answered']!.answered_at).not.toBeNull();
      expect(by['busy']).toMatchObject({ call_state: 'FAILED', call_reason: 5, answered_at: null });
      expect(by['congestion']).toMatchObject({ call_state: 'FAILED', call_reason: 8, answered_at: null });
      expect(by['no-answer']).toMatchObject({ call_state: 'FAILED', call_reason: 3, answered_at: null });

      // Redirect and Hangup name their call by the callerid the sender gave the Originate; the
      // sender records the channel it acted on.
      expect(by['redirect']).toMatchObject({ action: 'Redirect', channel: by['redirected']!.call_channel, callerid: by['redirected']!.callerid });
      expect(by['redirected']).toMatchObject({ call_state: 'ENDED', hangup_cause: 16 });
      expect(by['redirected']!.answered_at).not.toBeNull();
      expect(by['hangup']).toMatchObject({ action: 'Hangup', channel: by['hung-up']!.call_channel, callerid: by['hung-up']!.callerid });
      expect(by['hung-up']).toMatchObject({ call_state: 'ENDED', hangup_cause: 16 });
      expect(by['hung-up']!.answered_at).not.toBeNull();
      // The call ended because of the Hangup row (its own dialplan would have kept it up an hour).
      expect(by['hung-up']!.ended_at! >= by['hangup']!.sent_at!).toBe(true);
    } finally {
      await h.close();
    }

    proc.kill('SIGINT');
    expect(await exitOf(proc)).toBe(0);
    expect(out.stderr()).toBe('');
  }, 60_000);

  it('on Ctrl-C the simulated PBX hangs up the calls it still carries, and their rows end ENDED', async () => {
    const { dbPath, proc, out } = await startDemo('demo.db');

    // A call of one's own, as the demo suggests: 600 answers and stays up for an hour.
    const h = openSqlite(dbPath);
    try {
      const { id } = await h.db
        .insertInto('manager_queue')
        .values({ action: 'Originate', channel: 'Local/600@default', params: JSON.stringify({ Exten: '700', Context: 'default', Priority: '1' }) })
        .returning('id')
        .executeTakeFirstOrThrow();
      const row = () => h.db.selectFrom('manager_queue').select(['call_state', 'hangup_cause', 'ended_at']).where('id', '=', id).executeTakeFirstOrThrow();
      await eventually(async () => ((await row()).call_state === 'UP' ? true : undefined));

      proc.kill('SIGINT');
      await out.until(/^amiq: stopping: the simulated PBX hangs up its calls first/);
      expect(await exitOf(proc)).toBe(0);
      expect(await row(), out.lines.slice(-8).join('\n')).toMatchObject({ call_state: 'ENDED', hangup_cause: 16 });
      expect(out.lines.some((l) => /still live/.test(l))).toBe(false);
    } finally {
      await h.close();
    }
  }, 60_000);
});
