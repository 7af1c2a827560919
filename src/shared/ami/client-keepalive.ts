import { AmiTimeoutError } from './errors.js';

/**
 * Ping on an idle timer for one logged-in connection. The next Ping is scheduled only after the
 * previous reply, so a peer that went silent is found within intervalMs + timeoutMs; a TCP
 * connection can stay "up" for hours after the PBX behind it died.
 */
export class Keepalive {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly intervalMs: number,
    private readonly timeoutMs: number,
    /** Sends one Ping with this timeout. */
    private readonly ping: (timeoutMs: number) => Promise<unknown>,
    /** The peer missed the deadline: drop the connection. */
    private readonly onSilent: (err: AmiTimeoutError) => void,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.stopped) return;
    this.timer = setTimeout(() => this.beat(), this.intervalMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private beat(): void {
    if (this.stopped) return;
    this.ping(this.timeoutMs).then(
      () => this.start(),
      (err: unknown) => {
        if (this.stopped || !(err instanceof AmiTimeoutError)) return;
        this.stop();
        this.onSilent(new AmiTimeoutError(`AMI peer silent: no reply to keepalive Ping within ${this.timeoutMs} ms`, err.context));
      },
    );
  }
}
