import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import { AmiMessage } from '../src/shared/ami/message.js';
import { ChannelMap } from '../src/heartbeat/channel-map.js';
import { countedStates } from '../src/heartbeat/channel-states.js';
import { ChannelTracker } from '../src/heartbeat/channel-tracker.js';
import { e1Mask } from '../src/heartbeat/frame-source.js';

const msg = (kind: AmiMessage['kind'], ...headers: [string, string][]): AmiMessage => new AmiMessage(kind, headers);
const ok = msg('response', ['Response', 'Success']);
const item = (channel: string, state: string): AmiMessage => msg('event', ['Event', 'CoreShowChannel'], ['Channel', channel], ['ChannelStateDesc', state]);

/** An AMI stand-in: scripted listing replies, events pushed by the test. */
class FakeAmi extends EventEmitter {
  connected = true;
  calls: string[] = [];
  listReply: () => Promise<{ response: AmiMessage; events: AmiMessage[] }> = async () => ({ response: ok, events: [] });
  commandReply: (cmd: string) => Promise<{ response: AmiMessage; output: string[] }> = async () => ({ response: ok, output: [] });
  sendList(action: string): Promise<{ response: AmiMessage; events: AmiMessage[] }> {
    this.calls.push(action);
    return this.listReply();
  }
  command(cmd: string): Promise<{ response: AmiMessage; output: string[] }> {
    this.calls.push(`Command: ${cmd}`);
    return this.commandReply(cmd);
  }
}

function logCapture(): { logger: pino.Logger; lines: () => Array<{ level: number; msg: string }> } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk.toString());
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines: () => out.map((l) => JSON.parse(l) as { level: number; msg: string }) };
}

let tracker: ChannelTracker | undefined;
afterEach(() => {
  tracker?.stop();
  tracker = undefined;
  vi.useRealTimers();
});

function setup(now: () => number = Date.now): { ami: FakeAmi; map: ChannelMap; logs: ReturnType<typeof logCapture> } {
  const ami = new FakeAmi();
  const map = new ChannelMap((chs) => e1Mask(chs, 1, countedStates(['Up'])));
  const logs = logCapture();
  tracker = new ChannelTracker({ ami, map, logger: logs.logger, resyncMs: 1000, staleMs: 3000, now });
  return { ami, map, logs };
}

describe('ChannelTracker', () => {
  it('lists on start, then follows events', async () => {
    const { ami, map } = setup();
    ami.listReply = async () => ({ response: ok, events: [item('DAHDI/1-1', 'Up'), item('SIP/a-1', 'Up')] });
    tracker!.start();
    await tracker!.resync();
    expect(map.mask(Date.now(), 3000)).toBe(1);
    ami.emit('event', msg('event', ['Event', 'Newchannel'], ['Channel', 'DAHDI/31-1'], ['ChannelState', '6'], ['ChannelStateDesc', 'Up']));
    ami.emit('event', msg('event', ['Event', 'Hangup'], ['Channel', 'DAHDI/1-1']));
    expect(map.mask(Date.now(), 3000)).toBe(1 << 29);
  });

  it('coalesces listings: one in flight at a time', async () => {
    const { ami } = setup();
    let release!: () => void;
    ami.listReply = () => new Promise((resolve) => (release = () => resolve({ response: ok, events: [] })));
    const a = tracker!.resync();
    const b = tracker!.resync();
    expect(a).toBe(b);
    release();
    await a;
    expect(ami.calls).toEqual(['CoreShowChannels']);
  });

  it('falls back to core show channels concise, then show channels concise, when CoreShowChannels is unknown (1.4)', async () => {
    const { ami, map } = setup();
    ami.listReply = async () => ({ response: msg('response', ['Response', 'Error'], ['Message', 'Invalid/unknown command']), events: [] });
    ami.commandReply = async (cmd) =>
      cmd === 'core show channels concise'
        ? {
            response: msg('response', ['Response', 'Follows']),
            output: ["No such command 'core show channels concise' (type 'help core show channels concise' for other possible commands)"],
          }
        : { response: msg('response', ['Response', 'Follows']), output: ['Zap/15-1!default!s!1!Up!Dial!SIP/50|30|Ttfr!!!3!11!(None)'] };
    await tracker!.resync();
    expect(ami.calls).toEqual(['CoreShowChannels', 'Command: core show channels concise', 'Command: show channels concise']);
    expect(tracker!.listingMethod).toBe('show channels concise');
    expect(map.mask(Date.now(), 3000)).toBe(1 << 14);
    await tracker!.resync();
    expect(ami.calls.at(-1)).toBe('Command: show channels concise');
  });

  it('does not switch method on a permission error, and logs repeated failures once', async () => {
    const { ami, logs } = setup();
    ami.listReply = async () => ({ response: msg('response', ['Response', 'Error'], ['Message', 'Permission denied']), events: [] });
    for (let i = 0; i < 3; i++) await tracker!.resync();
    expect(tracker!.listingMethod).toBe('CoreShowChannels');
    expect(logs.lines().filter((l) => l.msg.includes('listing failed'))).toHaveLength(1);
    ami.listReply = async () => ({ response: ok, events: [] });
    await tracker!.resync();
    expect(logs.lines().filter((l) => l.msg.includes('works again'))).toHaveLength(1);
  });

  it('keeps answering through an outage until the data is stale, logging the outage once', async () => {
    vi.useFakeTimers();
    let now = 0;
    const { ami, map, logs } = setup(() => now);
    ami.listReply = async () => ({ response: ok, events: [item('DAHDI/2-1', 'Up')] });
    tracker!.start();
    await tracker!.resync();
    ami.connected = false;
    for (let i = 0; i < 5; i++) ami.emit('disconnected', new Error('ECONNREFUSED'));
    now = 2500;
    await vi.advanceTimersByTimeAsync(2500);
    expect(map.mask(now, 3000)).toBe(1 << 1); // still within staleness: last known state
    now = 3001;
    await vi.advanceTimersByTimeAsync(1000);
    expect(map.mask(now, 3000)).toBe(0); // stale: reported down
    now = 9000;
    await vi.advanceTimersByTimeAsync(5000);
    const msgs = logs.lines().map((l) => l.msg);
    expect(msgs.filter((m) => m.includes('connection lost'))).toHaveLength(1);
    expect(msgs.filter((m) => m.includes('reporting every channel down'))).toHaveLength(1);
    expect(ami.calls).toEqual(['CoreShowChannels']); // no listing attempts while disconnected
    ami.connected = true;
    ami.emit('connected', { banner: 'x' });
    await tracker!.resync();
    expect(map.mask(now, 3000)).toBe(1 << 1);
    expect(logs.lines().filter((l) => l.msg.includes('connection back'))).toHaveLength(1);
  });
});
