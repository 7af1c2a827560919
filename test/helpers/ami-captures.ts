import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Real AMI captures, kept in the repository so a fresh clone tests alone (see fixtures/ami/README.md). */
export const CAPTURES_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/ami/captures');

/**
 * Raw AMI bytes of one capture, named like `asterisk-22/originate-busy.received.txt`. Public
 * transcripts open with a `#` line saying where they come from: metadata, not wire bytes.
 */
export function readCapture(name: string): Buffer {
  const data = readFileSync(join(CAPTURES_ROOT, name));
  if (!name.startsWith('public/')) return data;
  if (data[0] !== 0x23) throw new Error(`${name}: expected a leading # source line`);
  return data.subarray(data.indexOf(0x0a) + 1);
}

/** The Asterisk versions captured in the lab, each a folder `asterisk-<version>`. */
export const ASTERISK_VERSIONS = ['18', '20', '22'] as const;

/** Every capture file of every folder (each version's, then the public ones), sorted. */
export function captureNames(): string[] {
  return [...ASTERISK_VERSIONS.map((v) => `asterisk-${v}`), 'public'].flatMap((dir) =>
    readdirSync(join(CAPTURES_ROOT, dir))
      .sort()
      .map((f) => `${dir}/${f}`),
  );
}
