import type { Pbx } from '../pbx.js';
import type { SimChannel } from '../types.js';
import { stateDesc } from '../wire.js';

/** `%-N.Ns`: pad or cut to exactly n characters. */
export function col(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) : s.padEnd(n);
}

const seconds = (ch: SimChannel): string => String(Math.floor((Date.now() - ch.createdAt) / 1000));

/**
 * `core show channels concise` (REFERENCE §4.2): 14 fields on 12+ (BridgeId), 14 on 1.8/11
 * (BridgedTo), 12 on 1.4. AMAFlags is 3 (DOCUMENTATION) as on a default install.
 */
export function channelsConcise(pbx: Pbx): string {
  const layout = pbx.profile.concise;
  return pbx
    .list()
    .map((ch) => {
      const head = [ch.name, ch.context, ch.exten, String(ch.priority), stateDesc(ch.state), ch.app || '(None)', ch.appData, ch.callerNum, ch.accountCode];
      if (layout === '1.4') return [...head, '3', seconds(ch), '(None)'].join('!');
      const bridged = layout === '12+' ? ch.bridgeId : '(None)';
      return [...head, '', '3', seconds(ch), bridged, ch.uniqueid].join('!');
    })
    .map((l) => `${l}\n`)
    .join('');
}

/** `core show channels`: the table, then the counters (main/cli.c handle_chanlist). */
export function channelsTable(pbx: Pbx): string {
  const wide = pbx.profile.modern;
  const row = (a: string, b: string, c: string, d: string) => `${col(a, wide ? 64 : 20)} ${col(b, wide ? 32 : 20)} ${col(c, 7)} ${col(d, 30)}\n`;
  const channels = pbx.list();
  let out = row('Channel', 'Location', 'State', 'Application(Data)');
  for (const ch of channels) {
    const location = ch.exten ? `${ch.exten}@${ch.context}:${ch.priority}` : '(None)';
    const app = ch.app ? `${ch.app}(${ch.appData})` : '(None)';
    out += row(ch.name, location, stateDesc(ch.state), app);
  }
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  out += `${plural(channels.length, 'active channel')}\n`;
  out += `${plural(channels.length, 'active call')}\n`;
  out += `${plural(pbx.callsProcessed, 'call')} processed\n`;
  return out;
}
