import type { Logger } from 'pino';

export interface AmiClientOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** 'md5': Challenge, then Login with Key = md5(challenge + secret); the secret never crosses the wire. */
  authType?: 'plain' | 'md5';
  /** Login `Events:`: 'on', 'off' or a class list such as 'call,system'. */
  events: 'on' | 'off' | string;
  logger?: Logger;
  actionTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** 0 = no keepalive; a silent peer is detected within pingIntervalMs + pingTimeoutMs. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  reconnect?: { minDelayMs?: number; maxDelayMs?: number } | false;
  maxMessageBytes?: number;
  /** Per `events()` consumer: events it has not taken yet; beyond this they are dropped and counted. */
  maxEventBacklog?: number;
  actionIdPrefix?: string;
}

export type AmiClientState = 'idle' | 'connecting' | 'connected' | 'disconnected' | 'stopped';

export interface SendOptions {
  timeoutMs?: number;
  /** Overrides the generated ActionID (an `ActionID` header in `headers` does too). */
  actionId?: string;
}

export interface AmiClientStats {
  eventsReceived: number;
  eventsDropped: number;
  reconnects: number;
  /** Actions written for callers (login and keepalive Pings not counted). */
  actionsSent: number;
}
