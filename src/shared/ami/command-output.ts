import { lineEnd } from './header-line.js';
import type { AmiMessage } from './message.js';

/**
 * The CLI output lines of an `Action: Command` reply, whatever the version: the raw body of a
 * legacy `Response: Follows` (up to 13; lines end in `\n`, the parser already cut
 * `--END COMMAND--`) or the repeated `Output:` headers (14+).
 */
export function commandOutput(msg: AmiMessage): string[] {
  if (msg.body !== undefined) {
    if (msg.body.length === 0) return [];
    const text = msg.body.endsWith('\n') ? msg.body.slice(0, -1) : msg.body;
    return text.split('\n').map((line) => line.slice(0, lineEnd(line, 0, line.length)));
  }
  return msg.all('Output');
}
