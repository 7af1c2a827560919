import type { ActionResult } from './action-tracker.js';
import type { AmiClientState, SendOptions } from './client-types.js';
import type { AmiMessage } from './message.js';
import type { ActionHeaders } from './serializer.js';

/**
 * What a worker uses of one AMI connection. AmiClient implements it; each worker takes the part
 * it needs (`Pick<AmiPort, ...>`), so a test's fake implements only that part. A send fails with
 * the errors of errors.ts: match them with `instanceof`.
 */
export interface AmiPort {
  readonly connected: boolean;
  start(): void;
  /** Resolves once the connection is closed; no action is sent after it. */
  stop(): Promise<void>;
  send(action: string, headers?: ActionHeaders, opts?: SendOptions): Promise<AmiMessage>;
  /** An action answered by a list of events (CoreShowChannels, MeetmeList...). */
  sendList(action: string, headers?: ActionHeaders, opts?: SendOptions): Promise<ActionResult>;
  /** `Action: Command`, its output lines whatever the Asterisk version. */
  command(cmd: string, opts?: SendOptions): Promise<{ response: AmiMessage; output: string[] }>;
  on(event: 'event', fn: (msg: AmiMessage) => void): unknown;
  on(event: 'connected', fn: () => void): unknown;
  on(event: 'disconnected', fn: (err?: Error) => void): unknown;
  on(event: 'state', fn: (state: AmiClientState) => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  off(event: 'event', fn: (msg: AmiMessage) => void): unknown;
  off(event: 'connected', fn: () => void): unknown;
  off(event: 'disconnected', fn: (err?: Error) => void): unknown;
}
