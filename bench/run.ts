import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench [part...]`: runs each benchmark part in turn (parser, queue, listener, heartbeat,
 * core, device-relay), or only the named ones. Each part runs in a process of its own, so one part's heap,
 * JIT state or leftover work never colours the next part's figures (the listener's RSS above
 * all). Each part prints its own figures and peers side by side.
 */
const PARTS = ['parser', 'queue', 'listener', 'heartbeat', 'core', 'device-relay'] as const;

const asked = process.argv.slice(2);
const unknown = asked.filter((p) => !(PARTS as readonly string[]).includes(p));
if (unknown.length > 0) {
  console.error(`unknown benchmark part(s): ${unknown.join(', ')}; known: ${PARTS.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const part of asked.length > 0 ? asked : PARTS) {
  console.log(`\n=== bench: ${part} ===`);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(`./${part}.js`, import.meta.url))], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench ${part} failed (exit ${r.status ?? r.signal})`);
    failed++;
  }
}
process.exitCode = failed > 0 ? 1 : 0;
