import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Real AMI captures, kept in the repository so a fresh clone tests alone (see fixtures/ami/README.md). */
export const CAPTURES_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures/ami/captures');

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

/** Every capture file, both folders, sorted. */
export function captureNames(): string[] {
  return ['asterisk-22', 'public'].flatMap((dir) =>
    readdirSync(join(CAPTURES_ROOT, dir))
      .sort()
      .map((f) => `${dir}/${f}`),
  );
}
