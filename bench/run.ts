import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jsonMode, partArgs } from './report.js';

/**
 * `npm run bench [part...] [-- --json]`: runs each benchmark part in turn (parser, queue,
 * queue-engines, listener, heartbeat, core, http, device-relay), or only the named ones. Each part runs in a process
 * of its own, so one part's heap, JIT state or leftover work never colours the next part's
 * figures (the listener's RSS above all). Each part prints its own figures and peers side by
 * side; with --json, one JSON object per figure on stdout instead (report.ts), for
 * `npm run bench:record`.
 */
const PARTS = ['parser', 'queue', 'queue-engines', 'listener', 'heartbeat', 'core', 'http', 'device-relay'] as const;

const asked = partArgs();
const unknown = asked.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length > 0) {
  console.error(`unknown benchmark part(s): ${unknown.join(', ')}; known: ${PARTS.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const part of asked.length > 0 ? asked : PARTS) {
  console.log(`\n=== bench: ${part} ===`);
  // jsonMode set AMIQ_BENCH_JSON in this process's environment: the part inherits it.
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(`./${part}.js`, import.meta.url))], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench ${part} failed (exit ${r.status ?? r.signal})`);
    failed++;
  }
}
if (jsonMode) console.error(`figures written as JSON lines; record them with \`npm run bench:record < results.jsonl\``);
process.exitCode = failed > 0 ? 1 : 0;
