import type { EventEmitter } from 'node:events';

/** How long a dying process waits for its crash to be written to a server database. */
const CRASH_WRITE_MS = 2000;

/** A worker session as the process's handlers see it. */
export interface SignalTarget {
  /** Stopped by its caller's signal, not by SIGTERM/SIGINT (amiq start handles those itself). */
  readonly ownStop: boolean;
  stop(reason: string): void;
  /**
   * The process dies of an uncaught failure: record it now, synchronously on SQLite; on the
   * server engines by a write the process awaits (CRASH_WRITE_MS at most) before it exits.
   */
  crash(err: unknown): Promise<void> | undefined;
}

/**
 * The process's side of the workers it runs: one set of SIGTERM/SIGINT and uncaught-failure
 * handlers serves them all (amiq start runs every worker in one process), installed while any
 * worker registers or runs. A signal that comes while a worker registers is kept for it: its row
 * already says running, so it must still stop once registered, not die by the default action or
 * go on.
 */
export class ProcessSignals {
  private readonly targets = new Set<SignalTarget>();
  /** (server, name) of the workers this process runs or is registering. */
  private readonly claimed = new Set<string>();
  private registering = 0;
  private whileRegistering: NodeJS.Signals | undefined;
  private installed = false;

  constructor(
    private readonly proc: EventEmitter = process,
    private readonly die: (err: unknown) => void = dieOf,
  ) {}

  /** Claims (server, name) for this process; false if it runs here already. Synchronous, so two calls cannot both see it free. */
  claim(key: string): boolean {
    if (this.claimed.has(key)) return false;
    this.claimed.add(key);
    return true;
  }

  release(key: string): void {
    this.claimed.delete(key);
  }

  /**
   * A worker starts registering. `install`: put the handlers on the process now, before the row
   * says running: a SIGTERM in between would kill the process by the default action and leave
   * the row running.
   */
  startRegistering(install: boolean): void {
    if (install) this.install();
    this.registering++;
  }

  /**
   * One registration is over: `target` the registered session, from now on told of signals and
   * failures, or undefined when registration failed. Returns the stop signal that came during it.
   */
  doneRegistering(target: SignalTarget | undefined): NodeJS.Signals | undefined {
    const sig = this.whileRegistering;
    if (--this.registering === 0) this.whileRegistering = undefined;
    if (target !== undefined) this.targets.add(target);
    else this.uninstallIfIdle();
    return sig;
  }

  /** The session ended. */
  remove(target: SignalTarget): void {
    this.targets.delete(target);
    this.uninstallIfIdle();
  }

  private readonly onSignal = (sig: NodeJS.Signals): void => {
    if (this.registering > 0) this.whileRegistering ??= sig;
    for (const t of this.targets) if (!t.ownStop) t.stop(sig);
  };

  private readonly onFatal = (err: unknown): void => {
    const writes = [...this.targets].map((t) => t.crash(err)).filter((w) => w !== undefined);
    if (writes.length === 0) return this.die(err);
    let dead = false;
    const dieOnce = () => {
      if (dead) return;
      dead = true;
      clearTimeout(timer);
      this.die(err);
    };
    const timer = setTimeout(dieOnce, CRASH_WRITE_MS);
    void Promise.allSettled(writes).then(dieOnce);
  };

  private install(): void {
    if (this.installed) return;
    this.installed = true;
    this.proc.on('SIGTERM', this.onSignal);
    this.proc.on('SIGINT', this.onSignal);
    this.proc.on('uncaughtException', this.onFatal);
    this.proc.on('unhandledRejection', this.onFatal);
  }

  private uninstallIfIdle(): void {
    if (!this.installed || this.targets.size > 0 || this.registering > 0) return;
    this.installed = false;
    this.proc.off('SIGTERM', this.onSignal);
    this.proc.off('SIGINT', this.onSignal);
    this.proc.off('uncaughtException', this.onFatal);
    this.proc.off('unhandledRejection', this.onFatal);
  }
}

function dieOf(err: unknown): void {
  process.stderr.write(`amiq: fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
}

/** This process's: every runWorker call shares it. */
export const processSignals = new ProcessSignals();
