import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import { AmiParser } from '../../shared/ami/parser.js';
import type { AmiFrameError } from '../../shared/ami/errors.js';
import type { AmiMessage } from '../../shared/ami/message.js';

export interface DecodeResult {
  messages: number;
  dropped: number;
}

/** A Login's credentials (plain Secret, or the MD5 Key of a Challenge login). */
const CREDENTIAL = /^(secret|key)$/i;
export const MASK = '********';

/**
 * One JSON line per message (SPEC §9): kind, ordered headers, and the legacy Follows body if any;
 * a Secret or Key value prints as ******** unless showSecrets.
 */
export function messageToJson(msg: AmiMessage, showSecrets = false): string {
  const headers = showSecrets ? msg.headers : msg.headers.map(([k, v]) => (CREDENTIAL.test(k) ? [k, MASK] : [k, v]));
  return JSON.stringify({ kind: msg.kind, headers, body: msg.body });
}

/**
 * Decode raw AMI bytes from `input` as they arrive and write one JSON object per line to
 * `output`, waiting for `output` to drain so a slow reader never makes us hold the whole input.
 * `output` is left open (it may be stdout).
 */
export async function decodeStream(
  input: Readable,
  output: Writable,
  opts: { onError?: (err: AmiFrameError) => void; maxMessageBytes?: number; showSecrets?: boolean } = {},
): Promise<DecodeResult> {
  const result: DecodeResult = { messages: 0, dropped: 0 };
  let pending = '';
  const parser = new AmiParser({
    maxMessageBytes: opts.maxMessageBytes,
    onMessage: (msg) => {
      result.messages++;
      pending += messageToJson(msg, opts.showSecrets) + '\n';
    },
    onError: (err) => {
      result.dropped++;
      opts.onError?.(err);
    },
  });
  const flush = async (): Promise<void> => {
    if (pending.length === 0) return;
    const ok = output.write(pending);
    pending = '';
    if (!ok) await once(output, 'drain');
  };
  for await (const chunk of input) {
    parser.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    await flush();
  }
  parser.end();
  await flush();
  return result;
}

export function register(program: Command): void {
  program
    .command('decode [file]')
    .description('raw AMI bytes (stdin or FILE) → one JSON object per message')
    .option('--show-secrets', "print a Login's Secret and Key instead of ********")
    .action(async (file: string | undefined, flags: { showSecrets?: boolean }) => {
      // `amiq decode … | head` closes the pipe early: that is the reader's choice, not a failure.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0);
        throw err;
      });
      const input = file === undefined || file === '-' ? process.stdin : createReadStream(file);
      try {
        const { dropped } = await decodeStream(input, process.stdout, {
          showSecrets: flags.showSecrets === true,
          onError: (err) => process.stderr.write(`amiq decode: ${err.message} (${JSON.stringify(err.context)})\n`),
        });
        if (dropped > 0) process.exitCode = 1;
      } catch (err) {
        const e = err as NodeJS.ErrnoException;
        process.stderr.write(`amiq decode: ${e.message}\n`);
        process.exitCode = e.code === 'ENOENT' || e.code === 'EISDIR' || e.code === 'EACCES' ? 2 : 1;
      }
    });
}
