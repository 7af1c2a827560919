import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAll } from '../src/shared/ami/parser.js';

/**
 * Event storms for the listener benchmark: the Asterisk 22 capture of one AMIQ_ID-tagged Local
 * call (Newchannel ... Hangup, ~28 events, ChanVariable on every channel event), repeated for
 * thousands of calls with their own Uniqueids, channel names, callerids, ActionIDs and ids.
 */
const PLACEHOLDERS = /1795325664\.0|1795325664\.1|Local\/100@default-00000000|M2611221200000000042|amiq-42|AMIQ_ID=42|Value: 42/g;

export interface StormCall {
  id: number;
  callerid: string;
  actionId: string;
}

function captureFile(): string {
  // The repository's own copy of the captures (the tests read the same), found from src or dist.
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return readFileSync(join(dir, 'test/fixtures/ami/captures/asterisk-22/originate-amiq-id.received.txt'), 'latin1');
}

/** Each template event as literal parts between placeholders, so a call's copy is one join. */
interface Template {
  parts: string[];
  slots: string[];
}

export class StormGenerator {
  private readonly templates: Template[];

  constructor() {
    const events = parseAll(captureFile()).filter((m) => m.kind === 'event');
    const first = events.findIndex((m) => m.headers[0]?.[1] === 'Newchannel');
    this.templates = events.slice(first).map((m) => {
      const text = m.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') + '\r\n';
      const parts: string[] = [];
      const slots: string[] = [];
      let last = 0;
      for (const match of text.matchAll(PLACEHOLDERS)) {
        parts.push(text.slice(last, match.index));
        slots.push(match[0]);
        last = match.index + match[0].length;
      }
      parts.push(text.slice(last));
      return { parts, slots };
    });
  }

  /** Events per call. */
  get length(): number {
    return this.templates.length;
  }

  static call(i: number): StormCall {
    const id = i + 1;
    return { id, callerid: `M26112212${String(id).padStart(11, '0')}`, actionId: `amiq-${id}-bench` };
  }

  /** The wire text of event `n` of call `i`. */
  event(i: number, n: number): string {
    const c = StormGenerator.call(i);
    const values: Record<string, string> = {
      '1795325664.0': `1795400000.${2 * i}`,
      '1795325664.1': `1795400000.${2 * i + 1}`,
      'Local/100@default-00000000': `Local/100@default-${i.toString(16).padStart(8, '0')}`,
      M2611221200000000042: c.callerid,
      'amiq-42': c.actionId,
      'AMIQ_ID=42': `AMIQ_ID=${c.id}`,
      'Value: 42': `Value: ${c.id}`,
    };
    const t = this.templates[n]!;
    let out = t.parts[0]!;
    for (let k = 0; k < t.slots.length; k++) out += values[t.slots[k]!]! + t.parts[k + 1]!;
    return out;
  }
}
