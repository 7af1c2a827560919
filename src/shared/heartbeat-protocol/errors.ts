/** Typed heartbeat errors; `context` names what an operator needs (the entry, the address, the port). */
export class HeartbeatError extends Error {
  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The UDP socket could not be bound (address in use, not a local address, no permission). */
export class HeartbeatBindError extends HeartbeatError {}

/** `amiq probe`: no 8-byte reply within the timeout. */
export class ProbeTimeoutError extends HeartbeatError {}
