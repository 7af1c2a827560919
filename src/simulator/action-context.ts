import type { AmiHeader, AmiMessage } from '../shared/ami/message.js';
import type { SimCore, SimSession } from './core.js';
import { frame } from './wire.js';

/**
 * One action being answered. Every write goes through here so a dropResponses fault can swallow
 * the reply (and its list items) while the action still takes effect.
 */
export class ActionContext {
  constructor(
    readonly core: SimCore,
    readonly session: SimSession,
    readonly msg: AmiMessage,
    readonly name: string,
    readonly actionId: string | undefined,
    private readonly suppressed: boolean,
  ) {}

  /** First value of a header; Asterisk 1.8+ skips blanks after the colon. */
  get(key: string): string | undefined {
    return this.msg.get(key)?.trimStart();
  }

  getAll(key: string): string[] {
    return this.msg.all(key).map((v) => v.trimStart());
  }

  send(headers: readonly AmiHeader[]): void {
    if (!this.suppressed) this.session.write(frame(headers));
  }

  sendRaw(text: string): void {
    if (!this.suppressed) this.session.write(text);
  }

  /** `Response: X`, the echoed ActionID (only when non-empty), then the fields. */
  respond(response: string, fields: readonly AmiHeader[] = []): void {
    this.send([['Response', response], ...this.idHeader(), ...fields]);
  }

  success(message?: string): void {
    this.respond('Success', message === undefined ? [] : [['Message', message]]);
  }

  error(message: string): void {
    this.respond('Error', [['Message', message]]);
  }

  /** Start of a list reply (1.6+): `EventList: start` before the Message. */
  listStart(message: string): void {
    this.respond('Success', [
      ['EventList', 'start'],
      ['Message', message],
    ]);
  }

  /** A list item: the ActionID right after the Event line. */
  listItem(event: string, fields: readonly AmiHeader[]): void {
    this.send([['Event', event], ...this.idHeader(), ...fields]);
  }

  /** The list's completion event: ActionID after Event (13+) or after ListItems (built by hand before). */
  listComplete(event: string, count: number, extra: readonly AmiHeader[] = []): void {
    const tail: AmiHeader[] = [['EventList', 'Complete'], ['ListItems', String(count)], ...extra];
    if (this.core.spec.modern) this.send([['Event', event], ...this.idHeader(), ...tail]);
    else this.send([['Event', event], ...tail, ...this.idHeader()]);
  }

  idHeader(): AmiHeader[] {
    return this.actionId ? [['ActionID', this.actionId]] : [];
  }
}
