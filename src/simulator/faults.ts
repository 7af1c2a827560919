import type { ActionRecord } from './types.js';

/** Fault injection for tests (the Simulator's `faults` API). */
export interface SimulatorFaults {
  /** Close the connection on the n-th matching action from now on, without answering it (once). */
  dropAfterActions(n: number, opts?: { action?: string }): void;
  /** Answer every action this much later (null: at once). */
  delayResponses(ms: number | null): void;
  /** Never answer matching actions (they still take effect); null clears. */
  dropResponses(pred: ((a: ActionRecord) => boolean) | null): void;
  /** Raw bytes to every connection. */
  sendGarbage(data: string | Buffer): void;
  /** One event of about `bytes` bytes (many header lines) to every connection. */
  sendOversized(bytes: number): void;
  /** Stop reading the sockets, and answering, until turned off. */
  stopReading(on: boolean): void;
  /** Stay connected but answer and send nothing: a dead peer. Actions sent meanwhile are lost. */
  silence(on: boolean): void;
}

/** What a fault reaches in a live session: raw bytes past every gate, and its socket's reading. */
export interface FaultTarget {
  writeRaw(data: string | Buffer): void;
  readonly socket: { pause(): unknown; resume(): unknown };
}

export class FaultState {
  silent = false;
  reading = true;
  private drop: { remaining: number; action: string | undefined } | null = null;
  private delayMs: number | null = null;
  private dropPred: ((a: ActionRecord) => boolean) | null = null;
  private readingWaiters: Array<() => void> = [];

  constructor(private readonly sessions: () => Iterable<FaultTarget>) {}

  /** Whether this action triggers dropAfterActions (consumes the fault when it does). */
  takeDrop(rec: ActionRecord): boolean {
    const d = this.drop;
    if (!d || (d.action !== undefined && d.action.toLowerCase() !== rec.action.toLowerCase())) return false;
    d.remaining--;
    if (d.remaining > 0) return false;
    this.drop = null;
    return true;
  }

  suppresses(rec: ActionRecord): boolean {
    return this.dropPred !== null && this.dropPred(rec);
  }

  /** Resolves when an action may be answered: after the delay, and while reading is on. */
  async beforeAnswer(): Promise<void> {
    if (this.delayMs !== null && this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs!));
    while (!this.reading) await new Promise<void>((r) => this.readingWaiters.push(r));
  }

  api(): SimulatorFaults {
    return {
      dropAfterActions: (n, opts) => {
        this.drop = { remaining: Math.max(1, Math.floor(n)), action: opts?.action };
      },
      delayResponses: (ms) => {
        this.delayMs = ms;
      },
      dropResponses: (pred) => {
        this.dropPred = pred;
      },
      sendGarbage: (data) => {
        for (const s of this.sessions()) s.writeRaw(data);
      },
      sendOversized: (bytes) => {
        const msg = oversized(bytes);
        for (const s of this.sessions()) s.writeRaw(msg);
      },
      stopReading: (on) => {
        this.reading = !on;
        for (const s of this.sessions()) {
          if (on) s.socket.pause();
          else s.socket.resume();
        }
        if (!on) for (const w of this.readingWaiters.splice(0)) w();
      },
      silence: (on) => {
        this.silent = on;
      },
    };
  }
}

function oversized(bytes: number): string {
  const line = `Filler: ${'x'.repeat(1000)}\r\n`;
  let out = 'Event: Oversized\r\nPrivilege: system,all\r\n';
  while (out.length < bytes) out += line;
  return out + '\r\n';
}
