import type { EventSink } from './events.js';
import type { SimChannel } from './types.js';

/**
 * Break a channel's Dial link (it hangs up or is redirected): bridge leave events when the call
 * was bridged. Returns what the partner does next, to run once the caller's own events are out.
 */
export function unbridge(events: EventSink, ch: SimChannel): (() => void) | undefined {
  const link = ch.bridge;
  if (!link) return undefined;
  const partner = link.partner;
  const then = partner.bridge?.onPartnerGone;
  ch.bridge = undefined;
  partner.bridge = undefined;
  ch.bridgeId = '';
  partner.bridgeId = '';
  if (link.info) {
    events.emitEvent('BridgeLeave', { chan: ch, bridge: { ...link.info, numChannels: 1 } });
    events.emitEvent('BridgeLeave', { chan: partner, bridge: { ...link.info, numChannels: 0 } });
    events.emitEvent('BridgeDestroy', { bridge: link.info });
    events.emitEvent('BridgeUnlink', { caller: ch, chan: partner });
  }
  return partner.alive ? then : undefined;
}
