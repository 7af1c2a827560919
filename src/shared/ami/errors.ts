/**
 * Typed errors of the AMI layer. Each carries the context an operator needs to find the cause
 * (the action id, the offending header, the size) in `context`, which pino logs as fields.
 */
export class AmiError extends Error {
  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A malformed or oversized frame from the peer: logged and skipped, the connection lives on. */
export class AmiFrameError extends AmiError {}

/** An action refused before anything was written to the socket (CR/LF/NUL, bad key, too long). */
export class AmiSerializeError extends AmiError {
  constructor(
    message: string,
    readonly header: string,
    context: Record<string, unknown> = {},
  ) {
    super(message, { header, ...context });
  }
}

/** An action refused because the client is not logged in: nothing was written. */
export class AmiNotConnectedError extends AmiError {}

/**
 * No reply in time. `context.written` says whether the action reached the socket (false when it
 * was still waiting for the socket to drain): only a written action may have reached Asterisk.
 */
export class AmiTimeoutError extends AmiError {}

/** The connection dropped after the action was written: its fate is unknown, it is never re-sent. */
export class AmiConnectionLostError extends AmiError {}

/** Login refused (`Authentication failed`, `Login Already In Use`, a refused Challenge). */
export class AmiAuthError extends AmiError {}
