/**
 * How a bench part reports its figures, so BENCHMARKS.md's table is generated, never copied by hand.
 *
 *   import { report } from './report.js';
 *   report({ suite: 'http', name: 'enqueue, keep-alive', value: 6123, unit: 'requests/s',
 *            target: { op: '>=', value: 5000 },
 *            peers: [{ name: 'autocannon against a bare fastify route', value: 21000 }] });
 *
 * By default a part prints its own human-readable lines (console.log) and report() prints
 * nothing. With `--json` (`npm run bench -- --json`, `node dist/bench/run.js queue --json`, or
 * `node dist/bench/<part>.js --json`; AMIQ_BENCH_JSON=1 for the processes a part spawns), each
 * report() writes one JSON object per line on stdout, and every console.log/info line goes to
 * stderr instead, so stdout is JSON lines only (lines npm prints are skipped by the reader):
 *   npm run bench -- --json > results.jsonl && npm run bench:record < results.jsonl
 * rewrites the generated table of BENCHMARKS.md (record.ts).
 *
 * A figure is one number with its unit; `peers` are figures of something else measured the same
 * way (another library, another engine, a published anchor), in the same unit, shown beside it.
 */
import { loadavg } from 'node:os';

export interface Peer {
  name: string;
  value: number;
  /** Where the peer's figure comes from when it was not measured in this run (e.g. a published figure). */
  source?: string;
}

export interface Target {
  op: '>=' | '<=';
  value: number;
}

export interface Figure {
  /** The bench part: parser, queue, queue-engines, listener, heartbeat, core, http, ... */
  suite: string;
  /** What was measured, unique within the suite (the table's key), e.g. `postgres: insert → sent p99 at 500/s`. */
  name: string;
  value: number;
  unit: string;
  target?: Target;
  peers?: Peer[];
  /** A short qualifier for the table (sample count, conditions). */
  note?: string;
}

/** What report() writes: the figure, when, and how busy the (shared) machine was. */
export interface Recorded extends Figure {
  at: string;
  load1: number;
}

const ENV = 'AMIQ_BENCH_JSON';

/** True when the figures go out as JSON lines (`--json`, or AMIQ_BENCH_JSON=1 from a parent). */
export const jsonMode: boolean = process.argv.includes('--json') || process.env[ENV] === '1';

if (jsonMode) {
  // Children spawned by a part (other variants, helper processes) report the same way.
  process.env[ENV] = '1';
  // Human lines stay visible on the terminal, off the JSON stream.
  console.log = console.error;
  console.info = console.error;
}

/** Whether `value` meets `target`; undefined without a target. */
export function meets(value: number, target: Target | undefined): boolean | undefined {
  if (target === undefined || !Number.isFinite(value)) return target === undefined ? undefined : false;
  return target.op === '>=' ? value >= target.value : value <= target.value;
}

/** Reports one figure (a JSON line on stdout in JSON mode; nothing otherwise). */
export function report(figure: Figure): void {
  if (!jsonMode) return;
  const line: Recorded = { ...figure, at: new Date().toISOString(), load1: Number(loadavg()[0]!.toFixed(2)) };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

/** The arguments a part was run with, without the `--json` flag. */
export function partArgs(): string[] {
  return process.argv.slice(2).filter((a) => a !== '--json');
}
