import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { migrateToLatest, openSqlite, type OpenSqlite } from '../../src/shared/db/index.js';

export const FIXTURE_WORKER = join(import.meta.dirname, 'fixture-worker.mjs');

export interface TempDb extends OpenSqlite {
  dir: string;
  cleanup(): Promise<void>;
}

/** A migrated database in a fresh temp directory; cleanup closes and removes it. */
export async function tempDb(prefix = 'amiq-core-'): Promise<TempDb> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const h = openSqlite(join(dir, 'amiq.db'));
  await migrateToLatest(h.db);
  return {
    ...h,
    dir,
    cleanup: async () => {
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first stdout line matching `re` (rejects if the process exits first). */
export function waitForLine(child: ChildProcess, re: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const onExit = (code: number | null) => reject(new Error(`exited ${code} before ${re}: ${stderr}`));
    rl.on('line', (line) => {
      if (!re.test(line)) return;
      child.off('exit', onExit);
      rl.close();
      child.stdout!.resume(); // keep draining: a full pipe would stall the child
      resolve(line);
    });
    child.once('exit', onExit);
  });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Kills (SIGKILL) and awaits every child still running, emptying the list: a test's afterEach. */
export async function killChildren(children: ChildProcess[]): Promise<void> {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exitOf(c);
    }
  }
}

export function spawnFixture(dbPath: string, name: string, env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [FIXTURE_WORKER, dbPath, name], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Polls `fn` until it returns a value other than undefined (for state another process writes). */
export async function eventually<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
