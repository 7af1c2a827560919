import type { Logger } from 'pino';
import type { Pbx } from './pbx.js';
import type { ProfileSpec } from './profiles.js';
import type { Session } from './connection.js';
import type { FaultState } from './faults.js';
import type { ActionRecord, OriginateRecord, StateWriteRecord } from './types.js';

/** A manager.conf user. `write: false` is a read-only user (no originate/call/system/command). */
export interface SimUser {
  username: string;
  secret: string;
  write: boolean;
}

export interface CoreOptions {
  users: readonly SimUser[];
  /** How long a bad login waits before `Authentication failed` (Asterisk sleeps 1 s). */
  authFailDelayMs: number;
  /** manager.conf `authtimeout`: a session not logged in by then is closed (profiles with `authTimeout`). */
  authTimeoutMs: number;
  /** Bytes queued to a peer that does not read before its session is dropped. */
  maxQueuedBytes: number;
}

/** What sessions and action handlers share: the server side of the simulator. */
export interface SimCore {
  readonly spec: ProfileSpec;
  readonly pbx: Pbx;
  readonly faultState: FaultState;
  readonly options: CoreOptions;
  readonly logger: Logger | undefined;
  readonly startedAt: number;
  sessions(): Iterable<Session>;
  recordAction(rec: ActionRecord): void;
  /** What an Originate did, kept for the test API (`originates()`). */
  recordOriginate(rec: OriginateRecord): void;
  /** A Setvar of a device or presence state function, kept for the test API (`stateWrites()`). */
  recordStateWrite(rec: StateWriteRecord): void;
  /** A security-class event (SuccessfulAuth, RequestBadFormat ...) to every session that takes them. */
  securityEvent(name: string, session: Session, fields: Record<string, string>): void;
}
