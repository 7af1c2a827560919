import type { AmiHeader } from '../shared/ami/message.js';
import { splitHeader } from '../shared/ami/parser.js';

/** manager.h, every version: lines kept per message. */
export const AST_MAX_MANHEADERS = 128;

export interface ClientMessage {
  headers: AmiHeader[];
  /** A line did not fit the input buffer: its first bytes were thrown away. */
  lineTooLong: boolean;
}

/**
 * Client bytes read the way manager.c's get_input/do_message read them: a line ends at LF (one CR
 * before it is dropped) and a blank line ends the message. The input buffer holds `maxLineBytes`;
 * when it fills without a LF, Asterisk empties it and reads on, so an over-long line loses its
 * first buffer-fulls and its tail arrives as a line of its own, still inside the same message.
 */
export class ClientInput {
  private pending = Buffer.alloc(0);
  private headers: AmiHeader[] = [];
  private cut = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly onMessage: (msg: ClientMessage) => void,
  ) {}

  push(chunk: Buffer): void {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    let start = 0;
    for (;;) {
      const nl = data.indexOf(10, start);
      if (nl !== -1 && nl - start < this.maxLineBytes) {
        this.line(data.subarray(start, nl > start && data[nl - 1] === 13 ? nl - 1 : nl));
        start = nl + 1;
      } else if (data.length - start >= this.maxLineBytes) {
        start += this.maxLineBytes;
        this.cut = true;
      } else break;
    }
    // A copy: holding a view would keep the whole chunk alive.
    this.pending = Buffer.from(data.subarray(start));
  }

  private line(bytes: Buffer): void {
    if (bytes.length > 0) {
      // One past the limit lets dispatch see the overflow; the rest is dropped, which bounds memory.
      if (this.headers.length <= AST_MAX_MANHEADERS) this.headers.push(splitHeader(bytes.toString('utf8')));
      return;
    }
    const msg = { headers: this.headers, lineTooLong: this.cut };
    this.headers = [];
    this.cut = false;
    // A blank line outside a message is ignored (Asterisk answers `Missing action in request`; not simulated).
    if (msg.headers.length > 0 || msg.lineTooLong) this.onMessage(msg);
  }
}
