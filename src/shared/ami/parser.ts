import { StringDecoder } from 'node:string_decoder';
import { AmiMessage, type AmiMessageKind } from './message.js';
import { isBlankLine, lineEnd, splitRange, type AmiHeader } from './header-line.js';
import { keyAt } from './header-key.js';
import { AmiFrameError } from './errors.js';

export interface AmiParserOptions {
  /** Called once per complete message, synchronously, in stream order. */
  onMessage: (msg: AmiMessage) => void;
  /** Called for a dropped message (over the size cap); parsing goes on. */
  onError?: (err: AmiFrameError) => void;
  /** Largest message kept, in characters; a bigger one is dropped and the parser resynchronises. */
  maxMessageBytes?: number;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 1024 * 1024;

const END_COMMAND = '--END COMMAND--';
const FOLLOWS_HEADER = /^(?:privilege|actionid|message)\s*:/i;
const MESSAGE_START = /^(?:response|event|action)\s*:/i;
const BANNER = /^Asterisk Call Manager/i;

const enum Mode {
  /** Between messages, or reading the header lines of a `Response: Follows` one by one. */
  Headers,
  /** Inside an ordinary message: its lines stay in the buffer until a blank line ends it. */
  Raw,
  /** Legacy `Response: Follows`: raw body lines until `--END COMMAND--`. */
  FollowsBody,
  /** Dropping an oversized message until the next blank line. */
  Skipping,
}

/**
 * Streaming AMI parser. Feed it Buffers as they arrive; any split of the byte stream yields the
 * same messages (UTF-8 sequences cut by a chunk boundary are held by the StringDecoder).
 * Memory is bounded by `maxMessageBytes` plus one chunk, whatever the peer sends.
 *
 * The hot path only finds line ends: an ordinary message is delivered over its text, split into
 * headers when a consumer reads them. `Response: Follows` messages, rare and irregular, are read
 * line by line into split headers and a body.
 */
export class AmiParser {
  private readonly onMessage: (msg: AmiMessage) => void;
  private readonly onError: ((err: AmiFrameError) => void) | undefined;
  private readonly max: number;
  private readonly decoder = new StringDecoder('utf8');

  /** The partial last line. */
  private buf = '';
  /** Raw mode: the message's complete lines from earlier chunks (their length is `size`). */
  private held: string[] = [];
  private atStreamStart = true;
  private mode = Mode.Headers;
  private kind: AmiMessageKind = 'other';
  /** Headers of a Follows response, read line by line. */
  private headers: AmiHeader[] = [];
  private size = 0;
  private followsHeaders = false;
  private body: string[] = [];
  /** A blank line seen inside a Follows body: part of the body unless a new message starts next. */
  private pendingBlank: string | null = null;
  private firstLine = '';
  /** Skipping dropped the start of the current line: its end is not a blank line. */
  private midLine = false;

  constructor(opts: AmiParserOptions) {
    this.onMessage = opts.onMessage;
    this.onError = opts.onError;
    this.max = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const buf = this.buf.length === 0 ? text : this.buf + text;
    /** Start of the Raw message's lines in `buf` (0 when it began in an earlier chunk). */
    let msgStart = 0;
    let start = 0;
    let nl = buf.indexOf('\n', start);
    while (nl !== -1) {
      if (this.mode === Mode.Raw) {
        if (isBlankLine(buf, start, nl)) {
          this.emitRaw(buf.slice(msgStart, start));
        } else if (this.size + nl + 1 - msgStart > this.max) {
          this.overflow(this.size + nl + 1 - msgStart, this.rawFirstLine(buf, msgStart));
        }
      } else {
        this.line(buf, start, lineEnd(buf, start, nl), nl + 1);
        if ((this.mode as Mode) === Mode.Raw) msgStart = start;
      }
      start = nl + 1;
      nl = buf.indexOf('\n', start);
    }
    if (this.mode === Mode.Raw && start > msgStart) {
      // Lines of a message that goes on in the next chunk: held apart, joined once at its end.
      this.held.push(buf.slice(msgStart, start));
      this.size += start - msgStart;
    }
    this.buf = start === 0 ? buf : buf.slice(start);
    if (this.size + this.buf.length > this.max) {
      // A line that never ends: drop what we hold of it so memory stays bounded.
      if (this.mode !== Mode.Skipping) this.overflow(this.size + this.buf.length, this.rawFirstLine(this.buf, 0));
      this.buf = '';
      this.midLine = true;
    }
  }

  /** Characters held for the message being read (partial line plus its counted lines). */
  get bufferedChars(): number {
    return this.size + this.buf.length;
  }

  /** The stream ended: a message not closed by a blank line is delivered as it stands. */
  end(): void {
    const rest = this.buf + this.decoder.end();
    this.buf = '';
    if (this.mode === Mode.Raw) {
      // The unterminated last line belongs to the message unless it is blank.
      this.emitRaw(isBlankLine(rest, 0, rest.length) ? '' : rest);
    } else {
      if (rest.length > 0) this.line(rest, 0, lineEnd(rest, 0, rest.length), rest.length);
      if ((this.mode as Mode) === Mode.Raw) this.emitRaw(rest);
      this.pendingBlank = null;
      if (this.mode !== Mode.Skipping && this.headers.length > 0) this.emit();
    }
    this.reset();
    this.midLine = false;
  }

  private line(buf: string, start: number, end: number, next: number): void {
    if (this.mode === Mode.Skipping) {
      if (this.midLine) this.midLine = false;
      else if (end === start) this.reset();
      return;
    }
    if (this.mode === Mode.FollowsBody) {
      this.followsLine(buf, start, end, next);
      return;
    }
    if (end === start) {
      if (this.followsHeaders) {
        // CLI output may open with a blank line: body or end of message, the next line tells.
        this.followsHeaders = false;
        this.mode = Mode.FollowsBody;
        this.followsLine(buf, start, end, next);
        return;
      }
      if (this.headers.length > 0) this.emit();
      this.atStreamStart = false;
      return;
    }
    this.size += next - start;
    if (this.size > this.max) return this.overflow(this.size, buf.slice(start, end));
    if (this.headers.length === 0) {
      this.startMessage(buf, start, end);
      return;
    }
    const text = buf.slice(start, end);
    if (FOLLOWS_HEADER.test(text)) {
      this.headers.push(splitHeader(text));
      return;
    }
    // The first line that is not a Follows header starts the raw CLI body.
    this.followsHeaders = false;
    this.mode = Mode.FollowsBody;
    this.followsLine(buf, start, end, next);
  }

  /** The first line of a message: the banner, a Follows response, or an ordinary message. */
  private startMessage(buf: string, start: number, end: number): void {
    if (this.atStreamStart) {
      this.atStreamStart = false;
      const text = buf.slice(start, end);
      if (BANNER.test(text)) {
        this.onMessage(new AmiMessage('banner', [[text, '']]));
        return;
      }
    }
    this.kind = isKey(buf, start, end, 'event') ? 'event' : isKey(buf, start, end, 'response') ? 'response' : 'other';
    if (this.kind === 'response') {
      const text = buf.slice(start, end);
      const header = splitHeader(text);
      if (header[1].toLowerCase() === 'follows') {
        this.firstLine = text;
        this.headers.push(header);
        this.followsHeaders = true;
        return;
      }
    }
    this.size = 0;
    this.mode = Mode.Raw;
  }

  private followsLine(buf: string, start: number, end: number, next: number): void {
    const raw = buf.slice(start, next);
    this.size += raw.length;
    if (this.size > this.max) return this.overflow(this.size, raw);
    if (end === start) {
      // A blank line: the end of the body only if the next line starts a new message.
      if (this.pendingBlank !== null) this.body.push(this.pendingBlank);
      this.pendingBlank = raw;
      return;
    }
    const text = buf.slice(start, end);
    if (this.pendingBlank !== null) {
      if (MESSAGE_START.test(text)) {
        this.pendingBlank = null;
        this.emit();
        this.line(buf, start, end, next);
        return;
      }
      this.body.push(this.pendingBlank);
      this.pendingBlank = null;
    }
    if (text.endsWith(END_COMMAND)) {
      this.body.push(text.slice(0, text.length - END_COMMAND.length));
      // The blank line that follows the marker closes the message in Headers mode.
      this.mode = Mode.Headers;
      return;
    }
    this.body.push(raw);
  }

  /** The Raw message ends with `tail`, its lines in the current chunk. */
  private emitRaw(tail: string): void {
    const msg = new AmiMessage(this.kind, this.held.length === 0 ? tail : this.held.join('') + tail);
    this.reset();
    this.atStreamStart = false;
    this.onMessage(msg);
  }

  /** The first line of the message being read: in its held lines, else at `at` in `buf`. */
  private rawFirstLine(buf: string, at: number): string {
    const held = this.held[0];
    return held === undefined ? firstLineOf(buf, at) : firstLineOf(held, 0);
  }

  /** A Follows response, read line by line. */
  private emit(): void {
    const msg = new AmiMessage(this.kind, this.headers, this.body.join(''));
    this.reset();
    this.onMessage(msg);
  }

  /** Drop the message being read; `line` stands in for its first line when none is complete. */
  private overflow(size: number, line: string): void {
    const first = this.firstLine || line;
    this.reset();
    this.buf = '';
    this.mode = Mode.Skipping;
    this.onError?.(
      new AmiFrameError(`AMI message of ${size} bytes exceeds the ${this.max}-byte cap; dropped`, {
        firstLine: first.slice(0, 200),
        size,
        max: this.max,
      }),
    );
  }

  private reset(): void {
    this.mode = Mode.Headers;
    this.headers = [];
    this.kind = 'other';
    this.size = 0;
    this.followsHeaders = false;
    if (this.held.length > 0) this.held = [];
    if (this.body.length > 0) this.body = [];
    this.pendingBlank = null;
    this.firstLine = '';
  }
}

/** `Key: value` split on the first colon; one space after it is the separator, the rest is value. */
export function splitHeader(text: string): AmiHeader {
  return splitRange(text, 0, text.length);
}

/** Whether the line `buf[start, end)` has the header name `lower` (ASCII case ignored). */
function isKey(buf: string, start: number, end: number, lower: string): boolean {
  const after = start + lower.length;
  return after < end && buf.charCodeAt(after) === 58 && keyAt(buf, start, lower);
}

function firstLineOf(buf: string, start: number): string {
  const nl = buf.indexOf('\n', start);
  return nl === -1 ? buf.slice(start) : buf.slice(start, lineEnd(buf, start, nl));
}

/** Parse a whole byte string (a capture file, a test fixture) into its messages. */
export function parseAll(data: Buffer | string, opts: Omit<AmiParserOptions, 'onMessage'> = {}): AmiMessage[] {
  const out: AmiMessage[] = [];
  const parser = new AmiParser({ ...opts, onMessage: (m) => out.push(m) });
  parser.push(data);
  parser.end();
  return out;
}
