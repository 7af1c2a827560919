import type { Logger } from 'pino';

/** What runWorker hands a worker; each worker takes the part it uses (`Pick<WorkerContext, ...>`). */
export interface WorkerContext {
  /** Aborted on SIGTERM/SIGINT (or the caller's stop signal): claim nothing new, finish in-flight work, return. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly server: string;
  readonly name: string;
  /** 'connecting' | 'connected' | 'disconnected' | 'n/a'; written with the next beat. */
  setAmiState(state: string): void;
  /** Adds n to a counter (sent, failed, events, ...). */
  count(name: string, n?: number): void;
  /** Sets a gauge (backlog, rooms, ...). */
  setCounter(name: string, value: number): void;
  /** Records the latest error for `amiq status`; null clears it. */
  setError(err: unknown): void;
  /** Writes a beat now (e.g. right after connecting) instead of waiting for the interval. */
  beat(): Promise<void>;
}
