/**
 * `npm run bench [part...]`: runs each benchmark part in turn (parser, queue, listener, heartbeat, core),
 * or only the named ones. Each part prints its own figures and peers side by side.
 */
const PARTS = ['parser', 'queue', 'listener', 'heartbeat', 'core'] as const;

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((p) => !(PARTS as readonly string[]).includes(p));
  if (unknown.length > 0) {
    console.error(`unknown benchmark part(s): ${unknown.join(', ')}; known: ${PARTS.join(', ')}`);
    process.exit(2);
  }
  const parts = asked.length > 0 ? asked : PARTS;
  for (const part of parts) {
    console.log(`\n=== bench: ${part} ===`);
    const mod = (await import(`./${part}.js`)) as { run: () => Promise<void> };
    await mod.run();
  }
}

await main();
