/** A dialplan hint, `exten => 100,hint,PJSIP/100&Custom:100[,CustomPresence:100]` in context `default`. */
export interface Hint {
  exten: string;
  context: string;
  /** The hint as written, presence provider included (ExtensionStatus `Hint:`). */
  app: string;
  devices: string[];
  /** The presence provider after the comma, if any. */
  presence?: string;
  /** The last extension state reported (hint->laststate). */
  last: number;
  /** The last presence reported (`status,subtype,message`), '' before any. */
  lastPresence: string;
}

/**
 * Hints from the option `{ '100@default': 'PJSIP/100&Custom:100' }` (CLI `--hint
 * 100@default=PJSIP/100&Custom:100`). Bad input throws, naming the entry and the rule.
 */
export function parseHints(spec: Readonly<Record<string, string>>): Hint[] {
  const hints: Hint[] = [];
  for (const [key, app] of Object.entries(spec)) {
    const at = key.lastIndexOf('@');
    const exten = key.slice(0, at);
    const context = key.slice(at + 1);
    if (at <= 0 || !context) throw new Error(`hints: ${JSON.stringify(key)} must be exten@context`);
    const comma = app.indexOf(',');
    const devices = (comma < 0 ? app : app.slice(0, comma)).split('&').map((d) => d.trim());
    const presence = comma < 0 ? undefined : app.slice(comma + 1).trim();
    if (devices.some((d) => !/^[^\s/:,]+[/:][^\s,]+$/.test(d)) || (presence !== undefined && !/^[^\s:,]+:[^\s,]+$/.test(presence)))
      throw new Error(
        `hints: ${JSON.stringify(key)}: ${JSON.stringify(app)} must be devices joined by & (Tech/resource or Provider:name), then optionally ,Provider:name for presence`,
      );
    if (hints.some((h) => h.exten === exten && h.context === context)) throw new Error(`hints: ${JSON.stringify(key)} given twice`);
    const written = devices.join('&') + (presence === undefined ? '' : `,${presence}`);
    hints.push({ exten, context, app: written, devices, ...(presence !== undefined ? { presence } : {}), last: 0, lastPresence: '' });
  }
  return hints;
}

/** CLI form `exten@context=dev&dev` into the option's record. */
export function parseHintArgs(args: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new Error(`--hint ${JSON.stringify(arg)}: expected exten@context=Tech/device[&...]`);
    const key = arg.slice(0, eq);
    if (Object.hasOwn(out, key)) throw new Error(`--hint ${JSON.stringify(key)} given twice`);
    out[key] = arg.slice(eq + 1);
  }
  return out;
}
